using System.Buffers.Binary;
using System.Buffers.Text;

namespace PixieHost.Modules.Pem.Protocols.Pgsql;

/// <summary>
/// Renders column values and bound parameters as text: text-format values as sent; binary-format values of the
/// common types (bool, integers, floats, text types, uuid, date, timestamp, jsonb) the way PostgreSQL prints them,
/// others as bytea hex (<c>\x0a1b</c>). NULL is <c>[NULL]</c>.
/// </summary>
public static class PgsqlValueFormatter
{
    public static ReadOnlySpan<byte> Null => "[NULL]"u8;

    // Type OIDs (pg_type.dat).
    private const int BoolOid = 16;
    private const int ByteaOid = 17;
    private const int CharOid = 18;
    private const int NameOid = 19;
    private const int Int8Oid = 20;
    private const int Int2Oid = 21;
    private const int Int4Oid = 23;
    private const int TextOid = 25;
    private const int OidOid = 26;
    private const int JsonOid = 114;
    private const int XmlOid = 142;
    private const int Float4Oid = 700;
    private const int Float8Oid = 701;
    private const int UnknownOid = 705;
    private const int BpcharOid = 1042;
    private const int VarcharOid = 1043;
    private const int DateOid = 1082;
    private const int TimestampOid = 1114;
    private const int TimestamptzOid = 1184;
    private const int UuidOid = 2950;
    private const int JsonbOid = 3802;

    private static readonly DateTime PgEpoch = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Appends one value; <paramref name="binary"/> is format code 1.</summary>
    public static void Append(PgsqlText dst, ReadOnlySpan<byte> value, int typeOid, bool binary)
    {
        if (!binary)
        {
            dst.Append(value);
            return;
        }

        switch (typeOid)
        {
            case TextOid or VarcharOid or BpcharOid or NameOid or JsonOid or XmlOid or UnknownOid or CharOid:
                dst.Append(value);
                return;
            case JsonbOid when value.Length >= 1 && value[0] == 1:
                dst.Append(value[1..]);
                return;
            case BoolOid when value.Length == 1:
                dst.Append(value[0] != 0 ? (byte)'t' : (byte)'f');
                return;
            case Int2Oid when value.Length == 2:
                AppendInt(dst, BinaryPrimitives.ReadInt16BigEndian(value));
                return;
            case Int4Oid when value.Length == 4:
                AppendInt(dst, BinaryPrimitives.ReadInt32BigEndian(value));
                return;
            case OidOid when value.Length == 4:
                AppendInt(dst, BinaryPrimitives.ReadUInt32BigEndian(value));
                return;
            case Int8Oid when value.Length == 8:
                AppendInt(dst, BinaryPrimitives.ReadInt64BigEndian(value));
                return;
            case Float4Oid when value.Length == 4:
                AppendFloat(dst, BinaryPrimitives.ReadSingleBigEndian(value));
                return;
            case Float8Oid when value.Length == 8:
                AppendFloat(dst, BinaryPrimitives.ReadDoubleBigEndian(value));
                return;
            case UuidOid when value.Length == 16:
                AppendUuid(dst, value);
                return;
            case DateOid when value.Length == 4:
                AppendDate(dst, BinaryPrimitives.ReadInt32BigEndian(value));
                return;
            case TimestampOid or TimestamptzOid when value.Length == 8:
                AppendTimestamp(dst, BinaryPrimitives.ReadInt64BigEndian(value), typeOid == TimestamptzOid);
                return;
            default:
                AppendHex(dst, value);
                return;
        }
    }

    /// <summary>bytea hex output: <c>\x</c> then two lower-case hex digits per byte.</summary>
    public static void AppendHex(PgsqlText dst, ReadOnlySpan<byte> value)
    {
        dst.Append("\\x"u8);
        var room = Math.Max(0, dst.Cap - dst.Length);
        var n = Math.Min(value.Length, (room + 1) / 2);
        var s = dst.Scratch(n * 2);
        for (var i = 0; i < n; i++)
        {
            s[2 * i] = HexDigit(value[i] >> 4);
            s[(2 * i) + 1] = HexDigit(value[i] & 0xF);
        }

        dst.Commit(n * 2);
        dst.AddUnheld(2L * (value.Length - n));
    }

    private static byte HexDigit(int v) => (byte)(v < 10 ? '0' + v : 'a' + v - 10);

    private static void AppendInt(PgsqlText dst, long v)
    {
        var s = dst.Scratch(20);
        Utf8Formatter.TryFormat(v, s, out var n);
        dst.Commit(n);
    }

    private static void AppendFloat(PgsqlText dst, double v)
    {
        var s = dst.Scratch(32);
        if (!v.TryFormat(s, out var n, "R", System.Globalization.CultureInfo.InvariantCulture))
        {
            n = 0;
        }

        dst.Commit(n);
    }

    private static void AppendUuid(PgsqlText dst, ReadOnlySpan<byte> v)
    {
        var s = dst.Scratch(36);
        var o = 0;
        for (var i = 0; i < 16; i++)
        {
            if (i is 4 or 6 or 8 or 10)
            {
                s[o++] = (byte)'-';
            }

            s[o++] = HexDigit(v[i] >> 4);
            s[o++] = HexDigit(v[i] & 0xF);
        }

        dst.Commit(o);
    }

    private static void AppendDate(PgsqlText dst, int days)
    {
        if (days is int.MaxValue or int.MinValue || Math.Abs((long)days) > 700_000)
        {
            dst.Append(days > 0 ? "infinity"u8 : "-infinity"u8);
            return;
        }

        var s = dst.Scratch(16);
        PgEpoch.AddDays(days).TryFormat(s, out var n, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        dst.Commit(n);
    }

    private static void AppendTimestamp(PgsqlText dst, long micros, bool utc)
    {
        // ±700,000 days around 2000 stay inside DateTime's years 1..9999, so the addition below cannot overflow.
        if (micros is long.MaxValue or long.MinValue || Math.Abs(micros) > 60_480_000_000_000_000L)
        {
            dst.Append(micros > 0 ? "infinity"u8 : "-infinity"u8);
            return;
        }

        var s = dst.Scratch(40);
        var t = PgEpoch.AddTicks(micros * 10);
        t.TryFormat(s, out var n, "yyyy-MM-dd HH:mm:ss.FFFFFF", System.Globalization.CultureInfo.InvariantCulture);
        dst.Commit(n);
        if (utc)
        {
            dst.Append("+00"u8);
        }
    }
}
