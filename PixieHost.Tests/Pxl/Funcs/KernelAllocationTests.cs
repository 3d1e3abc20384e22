using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.TableStore;

namespace PixieHost.Tests.Pxl.Funcs;

/// <summary>
/// The new kernels allocate per batch (output arrays, growing builders), never per row. Inputs are chosen so the
/// outputs are tiny: then a single small object per row (≥ 24 bytes) exceeds the budget of three times the output's
/// bytes plus the builders' default capacity (20 bytes a row), as the negative control px.tolower shows.
/// </summary>
[TestFixture]
public class KernelAllocationTests
{
    private const int Rows = 8192;

    private static Datum Strings(Func<int, string> f) => new(StringColumn.FromStrings(Enumerable.Range(0, Rows).Select(f).ToArray()));

    private static Datum Ints(Func<int, long> f) => new(new Int64Column(Enumerable.Range(0, Rows).Select(f).ToArray(), Rows));

    private static Datum Const(string s) => new(ScalarValue.OfString(s));

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData("strptime", new[] { Strings(i => $"2024-03-{1 + (i % 28):00}T10:20:30Z"), Const("%Y-%m-%dT%H:%M:%SZ") });
        yield return new TestCaseData("format_duration", new[] { Ints(i => i % 10) });
        yield return new TestCaseData("parse_duration", new[] { Strings(i => $"{i}ms") });
        yield return new TestCaseData("normalize_pgsql", new[] { Strings(i => "1"), Const("Query") });
        yield return new TestCaseData("normalize_mysql", new[] { Strings(i => "x"), Ints(_ => 3) });
        yield return new TestCaseData("redact_pii_best_effort", new[] { Strings(i => "A") });
        yield return new TestCaseData("pluck_array", new[] { Strings(i => "[1, \"\\u0041\"]"), Ints(i => i % 2) });
        yield return new TestCaseData("protocol_name", new[] { Ints(i => i % 14) });
        yield return new TestCaseData("uri_parse", new[] { Strings(i => "/") });
        yield return new TestCaseData("hex_to_ascii", new[] { Strings(i => "41") });
        yield return new TestCaseData("strip_prefix", new[] { Const("/a"), Strings(i => "/ab") });
    }

    [TestCaseSource(nameof(Cases))]
    public void Kernel_AllocatesPerBatchNotPerRow(string name, Datum[] args)
    {
        FunctionRegistry.Default.TryGetScalar(name, out var f).Should().BeTrue();
        var (allocated, budget) = Measure(f.Overloads[0].Kernel, args);
        allocated.Should().BeLessThan(budget, $"{name} allocates {allocated / (double)Rows:F1} B a row");
    }

    [Test]
    public void ScriptReference_AllocatesPerBatchNotPerRow()
    {
        FunctionRegistry.Default.TryGetScalar("script_reference", out var f).Should().BeTrue();
        f.TryResolve([DataType.String, DataType.String, DataType.String, DataType.Int64], out var o).Should().BeTrue();
        var (allocated, budget) = Measure(o.Kernel, [Strings(i => "p"), Const("s"), Const("n"), Ints(i => i % 10)]);
        allocated.Should().BeLessThan(budget);
    }

    [Test]
    public void NegativeControl_PerRowStringAllocation_ExceedsTheBudget()
    {
        FunctionRegistry.Default.TryGetScalar("tolower", out var f).Should().BeTrue();
        var (allocated, budget) = Measure(f.Overloads[0].Kernel, [Strings(i => "A")]);
        allocated.Should().BeGreaterThan(budget, "px.tolower decodes and lowers each row into new strings");
    }

    private static (long Allocated, long Budget) Measure(ScalarKernel kernel, Datum[] args)
    {
        kernel(args, Rows);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var column = kernel(args, Rows);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var used = column is StringColumn sc ? sc.Offsets[sc.Length] + (4L * (sc.Length + 1)) : column.ByteSize;
        return (allocated, (3 * used) + (20L * Rows) + (16 * 1024));
    }
}
