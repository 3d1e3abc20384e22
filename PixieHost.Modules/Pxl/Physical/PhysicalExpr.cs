using PixieHost.Modules.Pxl.Functions;
using PixieHost.Modules.Pxl.Logical;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Physical;

/// <summary>An expression bound to input column positions, evaluated over a whole batch at a time.</summary>
public abstract class PhysicalExpr
{
    public abstract Datum Evaluate(RowBatch batch);

    /// <summary>Binds a logical expression to <paramref name="input"/>'s column positions.</summary>
    public static PhysicalExpr Bind(LogicalExpr expr, TableSchema input) => expr switch
    {
        ColumnExpr c => new ColumnRef(input.IndexOf(c.Name) is var i and >= 0 ? i : throw new InvalidOperationException($"Column '{c.Name}' is not in {input}.")),
        LiteralExpr l => new Constant(ScalarValue.From(l.Value, l.Type)),
        FunctionExpr f => new Call(f.Overload.Kernel, f.Args.Select(a => Bind(a, input)).ToArray()),
        _ => throw new NotSupportedException(expr.GetType().Name),
    };

    private sealed class ColumnRef(int index) : PhysicalExpr
    {
        public override Datum Evaluate(RowBatch batch) => new(batch[index]);
    }

    private sealed class Constant(ScalarValue value) : PhysicalExpr
    {
        public override Datum Evaluate(RowBatch batch) => new(value);
    }

    private sealed class Call(ScalarKernel kernel, PhysicalExpr[] args) : PhysicalExpr
    {
        public override Datum Evaluate(RowBatch batch)
        {
            var values = new Datum[args.Length];
            for (var i = 0; i < args.Length; i++)
            {
                values[i] = args[i].Evaluate(batch);
            }

            return new Datum(kernel(values, batch.RowCount));
        }
    }
}
