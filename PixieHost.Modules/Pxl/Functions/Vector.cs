using System.Runtime.CompilerServices;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>An element-wise operation; a struct so the generic loops below are specialised and inlined by the JIT.</summary>
public interface IBinaryOp<T, TR>
{
    static abstract TR Apply(T a, T b);
}

/// <summary>An element-wise unary operation.</summary>
public interface IUnaryOp<T, TR>
{
    static abstract TR Apply(T a);
}

/// <summary>
/// Vectorised loops over typed column arrays: one pass per batch, no per-row boxing or virtual calls.
/// A scalar operand is read once and kept in a register instead of being broadcast into an array.
/// </summary>
public static class Vector
{
    public static Column Binary<T, TR, TOp>(in Datum a, in Datum b, int n, DataType outType)
        where TOp : struct, IBinaryOp<T, TR>
    {
        var r = new TR[n];
        if (!a.IsScalar && !b.IsScalar)
        {
            var x = Values<T>(a.Column!, n);
            var y = Values<T>(b.Column!, n);
            for (var i = 0; i < r.Length; i++)
            {
                r[i] = TOp.Apply(x[i], y[i]);
            }
        }
        else if (b.IsScalar && !a.IsScalar)
        {
            var x = Values<T>(a.Column!, n);
            var s = Scalar<T>(b.Scalar);
            for (var i = 0; i < r.Length; i++)
            {
                r[i] = TOp.Apply(x[i], s);
            }
        }
        else if (a.IsScalar && !b.IsScalar)
        {
            var s = Scalar<T>(a.Scalar);
            var y = Values<T>(b.Column!, n);
            for (var i = 0; i < r.Length; i++)
            {
                r[i] = TOp.Apply(s, y[i]);
            }
        }
        else
        {
            Array.Fill(r, TOp.Apply(Scalar<T>(a.Scalar), Scalar<T>(b.Scalar)));
        }

        return Wrap(r, n, outType);
    }

    public static Column Unary<T, TR, TOp>(in Datum a, int n, DataType outType)
        where TOp : struct, IUnaryOp<T, TR>
    {
        var r = new TR[n];
        if (a.IsScalar)
        {
            Array.Fill(r, TOp.Apply(Scalar<T>(a.Scalar)));
        }
        else
        {
            var x = Values<T>(a.Column!, n);
            for (var i = 0; i < r.Length; i++)
            {
                r[i] = TOp.Apply(x[i]);
            }
        }

        return Wrap(r, n, outType);
    }

    /// <summary>The first <paramref name="n"/> values as <typeparamref name="T"/>; INT64 columns are widened when a FLOAT64 is asked for.</summary>
    public static ReadOnlySpan<T> Values<T>(Column c, int n)
    {
        if (typeof(T) == typeof(long))
        {
            return Unsafe.As<T[]>(((Int64Column)c).Values).AsSpan(0, n);
        }

        if (typeof(T) == typeof(double))
        {
            if (c is Int64Column ints)
            {
                var d = new double[n];
                for (var i = 0; i < n; i++)
                {
                    d[i] = ints.Values[i];
                }

                return Unsafe.As<T[]>(d).AsSpan(0, n);
            }

            return Unsafe.As<T[]>(((Float64Column)c).Values).AsSpan(0, n);
        }

        if (typeof(T) == typeof(bool))
        {
            return Unsafe.As<T[]>(((BooleanColumn)c).Values).AsSpan(0, n);
        }

        if (typeof(T) == typeof(UInt128))
        {
            return Unsafe.As<T[]>(((UInt128Column)c).Values).AsSpan(0, n);
        }

        throw new NotSupportedException($"No vector view of {typeof(T).Name}.");
    }

    public static T Scalar<T>(in ScalarValue s)
    {
        if (typeof(T) == typeof(long))
        {
            var v = s.Int;
            return Unsafe.As<long, T>(ref v);
        }

        if (typeof(T) == typeof(double))
        {
            var v = s.Type == DataType.Float64 ? s.Float : s.Int;
            return Unsafe.As<double, T>(ref v);
        }

        if (typeof(T) == typeof(bool))
        {
            var v = s.Bool;
            return Unsafe.As<bool, T>(ref v);
        }

        if (typeof(T) == typeof(UInt128))
        {
            var v = s.UInt128;
            return Unsafe.As<UInt128, T>(ref v);
        }

        throw new NotSupportedException($"No scalar view of {typeof(T).Name}.");
    }

    public static Column Wrap<TR>(TR[] values, int n, DataType type)
    {
        if (typeof(TR) == typeof(long))
        {
            return new Int64Column(Unsafe.As<long[]>(values), n, type == DataType.Time64NS ? DataType.Time64NS : DataType.Int64);
        }

        if (typeof(TR) == typeof(double))
        {
            return new Float64Column(Unsafe.As<double[]>(values), n);
        }

        if (typeof(TR) == typeof(bool))
        {
            return new BooleanColumn(Unsafe.As<bool[]>(values), n);
        }

        if (typeof(TR) == typeof(UInt128))
        {
            return new UInt128Column(Unsafe.As<UInt128[]>(values), n);
        }

        throw new NotSupportedException($"No column for {typeof(TR).Name}.");
    }
}
