using System.Globalization;
using System.Text;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>A constant of one of Pixie's column types, unboxed (strings also kept as UTF-8 for kernels).</summary>
public readonly record struct ScalarValue(DataType Type, long Int, double Float, bool Bool, UInt128 UInt128, string? String, byte[]? Utf8)
{
    public static ScalarValue OfInt(long v, DataType type = DataType.Int64) => new(type, v, v, v != 0, (UInt128)(ulong)v, null, null);

    public static ScalarValue OfFloat(double v) => new(DataType.Float64, (long)v, v, v != 0, default, null, null);

    public static ScalarValue OfBool(bool v) => new(DataType.Boolean, v ? 1 : 0, v ? 1 : 0, v, default, null, null);

    public static ScalarValue OfString(string v) => new(DataType.String, 0, 0, v.Length > 0, default, v, Encoding.UTF8.GetBytes(v));

    public static ScalarValue OfUInt128(UInt128 v) => new(DataType.UInt128, (long)(ulong)v, 0, v != 0, v, null, null);

    /// <summary>Converts a compile-time literal (long, double, bool, string, UInt128).</summary>
    public static ScalarValue From(object value, DataType type) => value switch
    {
        long l => OfInt(l, type == DataType.Time64NS ? DataType.Time64NS : DataType.Int64),
        double d => OfFloat(d),
        bool b => OfBool(b),
        string s => OfString(s),
        UInt128 u => OfUInt128(u),
        _ => throw new ArgumentException($"No scalar for {value.GetType().Name}.", nameof(value)),
    };

    public override string ToString() => Type switch
    {
        DataType.String => String!,
        DataType.Float64 => Float.ToString(CultureInfo.InvariantCulture),
        DataType.Boolean => Bool ? "true" : "false",
        DataType.UInt128 => UInt128.ToString(CultureInfo.InvariantCulture),
        _ => Int.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>A kernel argument: either a whole column or one constant that stands for every row.</summary>
public readonly struct Datum
{
    public Datum(Column column)
    {
        Column = column;
        Scalar = default;
    }

    public Datum(ScalarValue scalar)
    {
        Column = null;
        Scalar = scalar;
    }

    public Column? Column { get; }

    public ScalarValue Scalar { get; }

    public bool IsScalar => Column is null;

    public DataType Type => Column?.Type ?? Scalar.Type;

    /// <summary>The value as a column of <paramref name="rows"/> rows (a constant is repeated).</summary>
    public Column ToColumn(int rows)
    {
        if (Column is not null)
        {
            return Column;
        }

        var s = Scalar;
        switch (s.Type)
        {
            case DataType.Int64 or DataType.Time64NS:
                var l = new long[rows];
                Array.Fill(l, s.Int);
                return new Int64Column(l, rows, s.Type);
            case DataType.Float64:
                var d = new double[rows];
                Array.Fill(d, s.Float);
                return new Float64Column(d, rows);
            case DataType.Boolean:
                var b = new bool[rows];
                Array.Fill(b, s.Bool);
                return new BooleanColumn(b, rows);
            case DataType.UInt128:
                var u = new UInt128[rows];
                Array.Fill(u, s.UInt128);
                return new UInt128Column(u, rows);
            default:
                var sb = new StringColumnBuilder(rows);
                for (var i = 0; i < rows; i++)
                {
                    sb.Append(s.Utf8);
                }

                return sb.Build();
        }
    }
}
