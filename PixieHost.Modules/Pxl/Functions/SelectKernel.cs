using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>px.select(cond, if_true, if_false): a vectorised ternary.</summary>
public static class SelectKernel
{
    public static Column Select(ReadOnlySpan<Datum> args, int n)
    {
        var cond = ((BooleanColumn)args[0].ToColumn(n)).Values;
        var t = args[1].ToColumn(n);
        var f = args[2].ToColumn(n);
        switch (t)
        {
            case Int64Column a:
                return Pick(cond, a.Values, ((Int64Column)f).Values, n, a.Type);
            case Float64Column a:
                return Pick(cond, a.Values, ((Float64Column)f).Values, n, DataType.Float64);
            case BooleanColumn a:
                return Pick(cond, a.Values, ((BooleanColumn)f).Values, n, DataType.Boolean);
            case UInt128Column a:
                return Pick(cond, a.Values, ((UInt128Column)f).Values, n, DataType.UInt128);
            default:
                var x = (StringColumn)t;
                var y = (StringColumn)f;
                var b = new StringColumnBuilder(n);
                for (var i = 0; i < n; i++)
                {
                    b.Append(cond[i] ? x.GetSpan(i) : y.GetSpan(i));
                }

                return b.Build();
        }
    }

    private static Column Pick<T>(bool[] cond, T[] a, T[] b, int n, DataType type)
    {
        var r = new T[n];
        for (var i = 0; i < n; i++)
        {
            r[i] = cond[i] ? a[i] : b[i];
        }

        return Vector.Wrap(r, n, type);
    }
}
