using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>
/// The UDFs and UDAs PxL can call, by name, with typed overloads. Operators are functions too (add, equal, …),
/// as in Pixie, so the planner and executor have one way to evaluate everything.
/// </summary>
public sealed class FunctionRegistry
{
    private const DataType I64 = DataType.Int64;
    private const DataType F64 = DataType.Float64;
    private const DataType Time = DataType.Time64NS;
    private const DataType Bool = DataType.Boolean;
    private const DataType U128 = DataType.UInt128;
    private const DataType Str = DataType.String;

    private readonly Dictionary<string, ScalarFunction> _scalars = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AggregateFunction> _aggregates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TableFunction> _tableFunctions = new(StringComparer.Ordinal);

    /// <summary>The built-in functions; immutable after construction, safe to share.</summary>
    public static FunctionRegistry Default { get; } = Create(Metadata.EmptyMetadataProvider.Instance);

    public IEnumerable<ScalarFunction> Scalars => _scalars.Values;

    public IEnumerable<AggregateFunction> Aggregates => _aggregates.Values;

    public IEnumerable<TableFunction> TableFunctions => _tableFunctions.Values;

    public void Register(ScalarFunction f) => _scalars[f.Name] = f;

    public void Register(TableFunction f) => _tableFunctions[f.Name] = f;

    public void Register(AggregateFunction f) => _aggregates[f.Name] = f;

    public bool TryGetScalar(string name, out ScalarFunction f) => _scalars.TryGetValue(name, out f!);

    public bool TryGetAggregate(string name, out AggregateFunction f) => _aggregates.TryGetValue(name, out f!);

    /// <summary>The function behind a PxL operator symbol.</summary>
    public static string OperatorFunction(string op) => op switch
    {
        "+" => "add",
        "-" => "subtract",
        "*" => "multiply",
        "/" => "divide",
        "//" => "floor_divide",
        "%" => "modulo",
        "==" => "equal",
        "!=" => "not_equal",
        "<" => "less_than",
        "<=" => "less_than_equal",
        ">" => "greater_than",
        ">=" => "greater_than_equal",
        "&" or "and" => "logical_and",
        "|" or "or" => "logical_or",
        "~" or "not" => "logical_not",
        "neg" => "negate",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Not a PxL operator."),
    };

    /// <summary>The built-in functions with the metadata functions answering from <paramref name="metadata"/>.</summary>
    public static FunctionRegistry Create(Metadata.IMetadataProvider metadata)
    {
        var r = new FunctionRegistry();
        MetadataFunctions.Register(r, metadata);
        RegisterArithmetic(r);
        RegisterComparisons(r);
        RegisterGeneral(r);
        r.Register(new CountAggregate());
        r.Register(new SumAggregate());
        r.Register(new MeanAggregate());
        r.Register(new MinMaxAggregate(max: false));
        r.Register(new MinMaxAggregate(max: true));
        r.Register(new QuantilesAggregate());
        r.Register(new AnyAggregate());
        LibraryFunctions.Register(r);
        return r;
    }

    private static void RegisterArithmetic(FunctionRegistry r)
    {
        r.Register(new ScalarFunction("add", "+")
            .Add([I64, I64], I64, (a, n) => Vector.Binary<long, long, AddOp<long>>(a[0], a[1], n, I64), SemanticRule.FirstArg)
            .Add([Time, I64], Time, (a, n) => Vector.Binary<long, long, AddOp<long>>(a[0], a[1], n, Time), SemanticRule.FirstArg)
            .Add([I64, Time], Time, (a, n) => Vector.Binary<long, long, AddOp<long>>(a[0], a[1], n, Time), SemanticRule.SecondArg)
            .Add([F64, F64], F64, (a, n) => Vector.Binary<double, double, AddOp<double>>(a[0], a[1], n, F64), SemanticRule.FirstArg)
            .Add([Str, Str], Str, StringKernels.Concat));
        r.Register(new ScalarFunction("subtract", "-")
            .Add([I64, I64], I64, (a, n) => Vector.Binary<long, long, SubOp<long>>(a[0], a[1], n, I64), SemanticRule.FirstArg)
            .Add([Time, I64], Time, (a, n) => Vector.Binary<long, long, SubOp<long>>(a[0], a[1], n, Time), SemanticRule.FirstArg)
            .Add([Time, Time], I64, (a, n) => Vector.Binary<long, long, SubOp<long>>(a[0], a[1], n, I64), SemanticRule.Fixed, SemanticType.DurationNs)
            .Add([F64, F64], F64, (a, n) => Vector.Binary<double, double, SubOp<double>>(a[0], a[1], n, F64), SemanticRule.FirstArg));
        r.Register(new ScalarFunction("multiply", "*")
            .Add([I64, I64], I64, (a, n) => Vector.Binary<long, long, MulOp<long>>(a[0], a[1], n, I64))
            .Add([F64, F64], F64, (a, n) => Vector.Binary<double, double, MulOp<double>>(a[0], a[1], n, F64)));
        r.Register(new ScalarFunction("divide", "/")
            .Add([F64, F64], F64, (a, n) => Vector.Binary<double, double, DivOp>(a[0], a[1], n, F64)));
        r.Register(new ScalarFunction("floor_divide", "//")
            .Add([I64, I64], I64, (a, n) => Vector.Binary<long, long, FloorDivOp>(a[0], a[1], n, I64)));
        r.Register(new ScalarFunction("modulo", "%")
            .Add([I64, I64], I64, (a, n) => Vector.Binary<long, long, ModOp>(a[0], a[1], n, I64)));
        r.Register(new ScalarFunction("negate", "-")
            .Add([I64], I64, (a, n) => Vector.Unary<long, long, NegOp<long>>(a[0], n, I64), SemanticRule.FirstArg)
            .Add([F64], F64, (a, n) => Vector.Unary<double, double, NegOp<double>>(a[0], n, F64), SemanticRule.FirstArg));
        r.Register(new ScalarFunction("logical_and", "&")
            .Add([Bool, Bool], Bool, (a, n) => Vector.Binary<bool, bool, AndOp>(a[0], a[1], n, Bool)));
        r.Register(new ScalarFunction("logical_or", "|")
            .Add([Bool, Bool], Bool, (a, n) => Vector.Binary<bool, bool, OrOp>(a[0], a[1], n, Bool)));
        r.Register(new ScalarFunction("logical_not", "~")
            .Add([Bool], Bool, (a, n) => Vector.Unary<bool, bool, NotOp>(a[0], n, Bool)));
    }

    private static void RegisterComparisons(FunctionRegistry r)
    {
        r.Register(new ScalarFunction("equal", "==")
            .Add([I64, I64], Bool, (a, n) => Vector.Binary<long, bool, EqOp<long>>(a[0], a[1], n, Bool))
            .Add([Time, Time], Bool, (a, n) => Vector.Binary<long, bool, EqOp<long>>(a[0], a[1], n, Bool))
            .Add([F64, F64], Bool, (a, n) => Vector.Binary<double, bool, EqOp<double>>(a[0], a[1], n, Bool))
            .Add([Bool, Bool], Bool, (a, n) => Vector.Binary<bool, bool, BoolEqOp>(a[0], a[1], n, Bool))
            .Add([U128, U128], Bool, (a, n) => Vector.Binary<UInt128, bool, EqOp<UInt128>>(a[0], a[1], n, Bool))
            .Add([Str, Str], Bool, StringKernels.Compare<CmpEq>));
        r.Register(new ScalarFunction("not_equal", "!=")
            .Add([I64, I64], Bool, (a, n) => Vector.Binary<long, bool, NeOp<long>>(a[0], a[1], n, Bool))
            .Add([Time, Time], Bool, (a, n) => Vector.Binary<long, bool, NeOp<long>>(a[0], a[1], n, Bool))
            .Add([F64, F64], Bool, (a, n) => Vector.Binary<double, bool, NeOp<double>>(a[0], a[1], n, Bool))
            .Add([Bool, Bool], Bool, (a, n) => Vector.Binary<bool, bool, BoolNeOp>(a[0], a[1], n, Bool))
            .Add([U128, U128], Bool, (a, n) => Vector.Binary<UInt128, bool, NeOp<UInt128>>(a[0], a[1], n, Bool))
            .Add([Str, Str], Bool, StringKernels.Compare<CmpNe>));
        r.Register(Ordered<LtOp<long>, LtOp<double>, CmpLt>("less_than", "<"));
        r.Register(Ordered<LeOp<long>, LeOp<double>, CmpLe>("less_than_equal", "<="));
        r.Register(Ordered<GtOp<long>, GtOp<double>, CmpGt>("greater_than", ">"));
        r.Register(Ordered<GeOp<long>, GeOp<double>, CmpGe>("greater_than_equal", ">="));
    }

    private static ScalarFunction Ordered<TL, TD, TS>(string name, string infix)
        where TL : struct, IBinaryOp<long, bool>
        where TD : struct, IBinaryOp<double, bool>
        where TS : struct, ICompareTest =>
        new ScalarFunction(name, infix)
            .Add([I64, I64], Bool, (a, n) => Vector.Binary<long, bool, TL>(a[0], a[1], n, Bool))
            .Add([Time, Time], Bool, (a, n) => Vector.Binary<long, bool, TL>(a[0], a[1], n, Bool))
            .Add([F64, F64], Bool, (a, n) => Vector.Binary<double, bool, TD>(a[0], a[1], n, Bool))
            .Add([Str, Str], Bool, StringKernels.Compare<TS>);

    private static void RegisterGeneral(FunctionRegistry r)
    {
        r.Register(new ScalarFunction("contains").Add([Str, Str], Bool, StringKernels.Contains));
        r.Register(new ScalarFunction("pluck").Add([Str, Str], Str, PluckKernels.Pluck));
        r.Register(new ScalarFunction("pluck_int64").Add([Str, Str], I64, PluckKernels.PluckInt64));
        r.Register(new ScalarFunction("pluck_float64").Add([Str, Str], F64, PluckKernels.PluckFloat64));
        r.Register(new ScalarFunction("length").Add([Str], I64, StringKernels.Length));
        r.Register(new ScalarFunction("tolower").Add([Str], Str, StringKernels.ToLower));
        r.Register(new ScalarFunction("toupper").Add([Str], Str, StringKernels.ToUpper));
        r.Register(new ScalarFunction("bin")
            .Add([I64, I64], I64, (a, n) => Vector.Binary<long, long, BinOp>(a[0], a[1], n, I64), SemanticRule.FirstArg)
            .Add([Time, I64], Time, (a, n) => Vector.Binary<long, long, BinOp>(a[0], a[1], n, Time), SemanticRule.FirstArg));
        r.Register(new ScalarFunction("floor").Add([F64], I64, (a, n) => Vector.Unary<double, long, FloorOp>(a[0], n, I64)));
        r.Register(new ScalarFunction("upid_to_pid").Add([U128], I64, (a, n) => Vector.Unary<UInt128, long, UpidToPidOp>(a[0], n, I64)));
        r.Register(new ScalarFunction("substring").Add([Str, I64, I64], Str, StringFunctions.Substring));
        r.Register(new ScalarFunction("find").Add([Str, Str], I64, StringFunctions.Find));
        r.Register(new ScalarFunction("atoi").Add([Str, I64], I64, StringFunctions.Atoi));
        r.Register(new ScalarFunction("itoa").Add([I64], Str, StringFunctions.Itoa));
        r.Register(new ScalarFunction("regex_match").Add([Str, Str], Bool, StringFunctions.RegexMatch));
        r.Register(new ScalarFunction("trim").Add([Str], Str, StringFunctions.Trim));
        RegisterMath(r);
        r.Register(SemanticCast("DurationNanos", I64, SemanticType.DurationNs).Add([F64], F64, Identity, SemanticRule.Fixed, SemanticType.DurationNs));
        r.Register(SemanticCast("Bytes", I64, SemanticType.Bytes).Add([F64], F64, Identity, SemanticRule.Fixed, SemanticType.Bytes));
        r.Register(SemanticCast("Percent", F64, SemanticType.Percent));
        var select = new ScalarFunction("select");
        foreach (var t in new[] { I64, Time, F64, Bool, U128, Str })
        {
            select.Add([Bool, t, t], t, SelectKernel.Select, SemanticRule.SecondArg);
        }

        r.Register(select);
    }

    private static void RegisterMath(FunctionRegistry r)
    {
        r.Register(new ScalarFunction("abs")
            .Add([I64], I64, (a, n) => Vector.Unary<long, long, AbsOp<long>>(a[0], n, I64), SemanticRule.FirstArg)
            .Add([F64], F64, (a, n) => Vector.Unary<double, double, AbsOp<double>>(a[0], n, F64), SemanticRule.FirstArg));
        r.Register(new ScalarFunction("sqrt").Add([F64], F64, (a, n) => Vector.Unary<double, double, SqrtOp>(a[0], n, F64)));
        r.Register(new ScalarFunction("ln").Add([F64], F64, (a, n) => Vector.Unary<double, double, LnOp>(a[0], n, F64)));
        r.Register(new ScalarFunction("log2").Add([F64], F64, (a, n) => Vector.Unary<double, double, Log2Op>(a[0], n, F64)));
        r.Register(new ScalarFunction("log10").Add([F64], F64, (a, n) => Vector.Unary<double, double, Log10Op>(a[0], n, F64)));
        r.Register(new ScalarFunction("log").Add([F64, F64], F64, (a, n) => Vector.Binary<double, double, LogOp>(a[0], a[1], n, F64)));
        r.Register(new ScalarFunction("exp").Add([F64], F64, (a, n) => Vector.Unary<double, double, ExpOp>(a[0], n, F64)));
        r.Register(new ScalarFunction("pow").Add([F64, F64], F64, (a, n) => Vector.Binary<double, double, PowOp>(a[0], a[1], n, F64)));
        r.Register(new ScalarFunction("ceil").Add([F64], I64, (a, n) => Vector.Unary<double, long, CeilOp>(a[0], n, I64)));
        r.Register(new ScalarFunction("round").Add([F64, I64], F64, (a, n) => Vector.Binary<double, double, RoundOp>(a[0], a[1], n, F64)));
    }

    private static Column Identity(ReadOnlySpan<Datum> a, int n) => a[0].ToColumn(n);

    /// <summary>px.DurationNanos and friends: the value unchanged, with a semantic type for display.</summary>
    private static ScalarFunction SemanticCast(string name, DataType type, SemanticType semantic) => new ScalarFunction(name)
        .Add([type], type, type == F64
            ? (a, n) => Vector.Unary<double, double, ToFloatOp>(a[0], n, F64)
            : (a, n) => a[0].ToColumn(n), SemanticRule.Fixed, semantic);
}
