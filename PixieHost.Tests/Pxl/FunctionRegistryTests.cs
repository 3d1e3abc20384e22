using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.TableStore;

namespace PixieHost.Tests.Pxl;

[TestFixture]
public class FunctionRegistryTests
{
    private static ScalarFunction Fn(string name) =>
        FunctionRegistry.Default.TryGetScalar(name, out var f) ? f : throw new AssertionException(name);

    private static Column Call(string name, params Datum[] args)
    {
        Fn(name).TryResolve(args.Select(a => a.Type).ToArray(), out var o).Should().BeTrue();
        return o.Kernel(args, args.Max(a => a.Column?.Length ?? 1));
    }

    private static Datum Ints(params long[] v) => new(new Int64Column(v, v.Length));

    private static Datum Int(long v) => new(ScalarValue.OfInt(v));

    [TestCase(DataType.Int64, DataType.Float64, "add", DataType.Float64)]
    [TestCase(DataType.Int64, DataType.Int64, "divide", DataType.Float64)]
    [TestCase(DataType.Time64NS, DataType.Int64, "subtract", DataType.Time64NS)]
    [TestCase(DataType.Time64NS, DataType.Time64NS, "subtract", DataType.Int64)]
    [TestCase(DataType.String, DataType.String, "add", DataType.String)]
    [TestCase(DataType.Time64NS, DataType.Int64, "greater_than_equal", DataType.Boolean)]
    public void TryResolve_ArgumentTypes_PickOverloadAndReturnType(DataType a, DataType b, string name, DataType expected)
    {
        Fn(name).TryResolve([a, b], out var o).Should().BeTrue();
        o.ReturnType.Should().Be(expected);
    }

    [Test]
    public void TryResolve_StringPlusInt_HasNoOverload()
    {
        Fn("add").TryResolve([DataType.String, DataType.Int64], out _).Should().BeFalse();
    }

    [Test]
    public void Kernels_IntegerEdgeCases_BehaveLikePixie()
    {
        ((Int64Column)Call("modulo", Ints(7, -7, 5), Int(0))).Values.Should().Equal(0, 0, 0);
        ((Int64Column)Call("floor_divide", Ints(7, -7, 6), Int(2))).Values.Should().Equal(3, -4, 3);
        ((Int64Column)Call("bin", Ints(17, 20, -3), Int(10))).Values.Should().Equal(10, 20, -10);
        ((Float64Column)Call("divide", Ints(1, 3), Int(2))).Values.Should().Equal(0.5, 1.5);
    }

    [Test]
    public void Kernels_ScalarOnTheLeft_IsApplied()
    {
        ((Int64Column)Call("subtract", Int(100), Ints(1, 2, 3))).Values.Should().Equal(99, 98, 97);
        ((BooleanColumn)Call("less_than", Int(2), Ints(1, 2, 3))).Values.Should().Equal(false, false, true);
    }

    [Test]
    public void Kernels_StringsCompareAsBytes()
    {
        var s = new Datum(StringColumn.FromStrings(["GET", "POST", "GETX", ""]));
        var get = new Datum(ScalarValue.OfString("GET"));
        ((BooleanColumn)Call("equal", s, get)).Values.Should().Equal(true, false, false, false);
        ((BooleanColumn)Call("not_equal", s, get)).Values.Should().Equal(false, true, true, true);
        ((BooleanColumn)Call("less_than", s, get)).Values.Should().Equal(false, false, false, true);
        ((BooleanColumn)Call("contains", s, new Datum(ScalarValue.OfString("ET")))).Values.Should().Equal(true, false, true, false);
    }

    [Test]
    public void Kernels_SelectAndPluck_Work()
    {
        var cond = new Datum(new BooleanColumn([true, false], 2));
        var picked = (StringColumn)Call("select", cond, new Datum(ScalarValue.OfString("a")), new Datum(ScalarValue.OfString("b")));
        new[] { picked.GetString(0), picked.GetString(1) }.Should().Equal("a", "b");

        var json = new Datum(StringColumn.FromStrings(["{\"p50\": 12.5, \"p99\": 40}", "not json", "{\"x\": 1}"]));
        ((Float64Column)Call("pluck_float64", json, new Datum(ScalarValue.OfString("p50")))).Values.Should().Equal(12.5, 0, 0);
    }

    private static Datum Strs(params string[] v) => new(StringColumn.FromStrings(v));

    private static Datum Str(string v) => new(ScalarValue.OfString(v));

    private static string[] Texts(Column c) => Enumerable.Range(0, c.Length).Select(i => ((StringColumn)c).GetString(i)).ToArray();

    [Test]
    public void StringFunctions_MatchPixieSemantics()
    {
        Texts(Call("substring", Strs("/api/users", "ab"), Int(1), Int(3))).Should().Equal("api", "b");
        ((Int64Column)Call("find", Strs("/api/users", "x"), Str("users"))).Values.Should().Equal(5, -1);
        ((Int64Column)Call("atoi", Strs("42", "x"), Int(-1))).Values.Should().Equal(42, -1);
        Texts(Call("itoa", Ints(-7, 123))).Should().Equal("-7", "123");
        ((BooleanColumn)Call("regex_match", Str("/api/.*"), Strs("/api/users", "/healthz", "x/api/"))).Values.Should().Equal(true, false, false);
        ((BooleanColumn)Call("regex_match", Str("(["), Strs("a"))).Values.Should().Equal(false);
        Texts(Call("trim", Strs("  a b \n"))).Should().Equal("a b");
    }

    [Test]
    public void MathFunctions_Compute()
    {
        ((Int64Column)Call("abs", Ints(-3, 4))).Values.Should().Equal(3, 4);
        ((Float64Column)Call("round", new Datum(new Float64Column([1.25, 2.5], 2)), Int(1))).Values.Should().Equal(1.3, 2.5);
        ((Int64Column)Call("ceil", new Datum(new Float64Column([1.2, -1.2], 2)))).Values.Should().Equal(2, -1);
        ((Float64Column)Call("pow", Ints(2, 3), Int(2))).Values.Should().Equal(4, 9);
    }
}
