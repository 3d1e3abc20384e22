using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>
/// A filter predicate that writes the passing row numbers straight into a reused selection vector, with no mask or
/// result column per batch. Column-versus-constant comparisons of numbers and string (in)equality (on dictionary
/// codes when the column has them) and their <c>&amp;</c> run specialised loops; anything else evaluates the
/// general kernels to a mask.
/// </summary>
internal abstract class SelectionPredicate
{
    /// <summary>
    /// Keeps the rows that pass among the first <paramref name="n"/> of <paramref name="selection"/> (or, when
    /// <paramref name="all"/>, among rows 0..n-1), compacted to the front; returns how many passed.
    /// </summary>
    public abstract int Refine(RowBatch batch, Span<int> selection, int n, bool all);

    public static SelectionPredicate Compile(LogicalExpr predicate, TableSchema input)
    {
        if (predicate is FunctionExpr { Function.Name: "logical_and", Args: [var l, var r] })
        {
            return new And(Compile(l, input), Compile(r, input));
        }

        if (predicate is FunctionExpr { Args: [var a, var b] } f && Flip(f.Function.Name, a is LiteralExpr) is { } op)
        {
            var (col, lit) = a is LiteralExpr la ? (b as ColumnExpr, la) : (a as ColumnExpr, b as LiteralExpr);
            if (col is not null && lit is not null && input.IndexOf(col.Name) is var index and >= 0 && input[index].Type == col.Type)
            {
                var p = Leaf(op, index, col.Type, lit);
                if (p is not null)
                {
                    return p;
                }
            }
        }

        return new General(PhysicalExpr.Bind(predicate, input));
    }

    /// <summary>The comparison as seen from the column's side, or null for a function that is not one.</summary>
    private static string? Flip(string name, bool literalFirst) => (name, literalFirst) switch
    {
        ("equal" or "not_equal", _) => name,
        ("less_than" or "less_than_equal" or "greater_than" or "greater_than_equal", false) => name,
        ("less_than", true) => "greater_than",
        ("less_than_equal", true) => "greater_than_equal",
        ("greater_than", true) => "less_than",
        ("greater_than_equal", true) => "less_than_equal",
        _ => null,
    };

    private static SelectionPredicate? Leaf(string op, int index, DataType type, LiteralExpr lit) => (type, lit.Value) switch
    {
        (DataType.Int64 or DataType.Time64NS, long v) => op switch
        {
            "equal" => new Compare<long, EqOp<long>>(index, v),
            "not_equal" => new Compare<long, NeOp<long>>(index, v),
            "less_than" => new Compare<long, LtOp<long>>(index, v),
            "less_than_equal" => new Compare<long, LeOp<long>>(index, v),
            "greater_than" => new Compare<long, GtOp<long>>(index, v),
            _ => new Compare<long, GeOp<long>>(index, v),
        },
        (DataType.Float64, double or long) => op switch
        {
            "equal" => new Compare<double, EqOp<double>>(index, Convert.ToDouble(lit.Value)),
            "not_equal" => new Compare<double, NeOp<double>>(index, Convert.ToDouble(lit.Value)),
            "less_than" => new Compare<double, LtOp<double>>(index, Convert.ToDouble(lit.Value)),
            "less_than_equal" => new Compare<double, LeOp<double>>(index, Convert.ToDouble(lit.Value)),
            "greater_than" => new Compare<double, GtOp<double>>(index, Convert.ToDouble(lit.Value)),
            _ => new Compare<double, GeOp<double>>(index, Convert.ToDouble(lit.Value)),
        },
        (DataType.String, string s) when op is "equal" or "not_equal" => new StringEquals(index, ScalarValue.OfString(s).Utf8!, op == "not_equal"),
        _ => null,
    };

    private sealed class And(SelectionPredicate left, SelectionPredicate right) : SelectionPredicate
    {
        public override int Refine(RowBatch batch, Span<int> selection, int n, bool all)
        {
            var k = left.Refine(batch, selection, n, all);
            return k == 0 ? 0 : right.Refine(batch, selection, k, all: false);
        }
    }

    private sealed class Compare<T, TOp>(int index, T constant) : SelectionPredicate
        where TOp : struct, IBinaryOp<T, bool>
    {
        public override int Refine(RowBatch batch, Span<int> selection, int n, bool all)
        {
            var v = Functions.Vector.Values<T>(batch[index], batch.RowCount);
            var c = constant;
            var k = 0;
            if (all)
            {
                for (var row = 0; row < n; row++)
                {
                    selection[k] = row;
                    k += TOp.Apply(v[row], c) ? 1 : 0;
                }
            }
            else
            {
                for (var i = 0; i < n; i++)
                {
                    var row = selection[i];
                    selection[k] = row;
                    k += TOp.Apply(v[row], c) ? 1 : 0;
                }
            }

            return k;
        }
    }

    private sealed class StringEquals(int index, byte[] constant, bool negate) : SelectionPredicate
    {
        public override int Refine(RowBatch batch, Span<int> selection, int n, bool all)
        {
            var column = (StringColumn)batch[index];
            var k = 0;
            if (column.Dictionary is { } dict)
            {
                var codes = dict.Codes;
                var code = dict.IndexOf(constant);
                for (var i = 0; i < n; i++)
                {
                    var row = all ? i : selection[i];
                    selection[k] = row;
                    k += (codes[row] == code) != negate ? 1 : 0;
                }

                return k;
            }

            for (var i = 0; i < n; i++)
            {
                var row = all ? i : selection[i];
                selection[k] = row;
                k += column.GetSpan(row).SequenceEqual(constant) != negate ? 1 : 0;
            }

            return k;
        }
    }

    private sealed class General(PhysicalExpr expr) : SelectionPredicate
    {
        public override int Refine(RowBatch batch, Span<int> selection, int n, bool all)
        {
            var d = expr.Evaluate(batch);
            if (d.IsScalar)
            {
                if (d.Scalar.Bool && all)
                {
                    for (var i = 0; i < n; i++)
                    {
                        selection[i] = i;
                    }
                }

                return d.Scalar.Bool ? n : 0;
            }

            var mask = ((BooleanColumn)d.Column!).Values;
            var k = 0;
            for (var i = 0; i < n; i++)
            {
                var row = all ? i : selection[i];
                selection[k] = row;
                k += mask[row] ? 1 : 0;
            }

            return k;
        }
    }
}
