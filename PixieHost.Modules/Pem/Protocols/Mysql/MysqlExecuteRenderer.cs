using System.Buffers.Binary;
using System.Globalization;

namespace PixieHost.Modules.Pem.Protocols.Mysql;

/// <summary>
/// Renders a COM_STMT_EXECUTE as Pixie does: the prepared text with each <c>?</c> (outside quotes) replaced by
/// the value of the next parameter, as text and unquoted. Parameters come in the binary protocol: a NULL bitmap,
/// the new-params-bound flag, a type (and flags byte, 0x80 = unsigned) per parameter, then each non-NULL value.
/// A value that cannot be decoded (unknown type, cut payload) leaves it and the following <c>?</c> as they are.
/// </summary>
public static class MysqlExecuteRenderer
{
    /// <summary>The execute's flags bit saying a parameter count precedes the bitmap (MySQL 8 query attributes).</summary>
    private const byte ParameterCountAvailable = 0x08;

    private const int MaxParams = 4096;

    /// <summary>Statement id of an execute (or close, reset, fetch, long data) body; 0 when short.</summary>
    public static uint StatementId(ReadOnlySpan<byte> body) => body.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(body) : 0;

    /// <summary>
    /// Writes the rendered execute (body after the command byte) into <paramref name="w"/>. Updates the statement's
    /// remembered parameter types when the execute binds new ones.
    /// </summary>
    public static void Render(ReadOnlySpan<byte> body, MysqlPreparedStatement stmt, bool queryAttributes, ref MysqlTextWriter w)
    {
        Span<int> starts = stackalloc int[64];
        Span<int> lengths = stackalloc int[64];
        var values = new ParamValues(starts, lengths);
        DecodeParams(body, stmt, queryAttributes, ref values);
        var text = stmt.Text.AsSpan();
        var p = 0;
        var i = 0;
        while (i < text.Length && !w.Full)
        {
            var c = text[i];
            if (c is (byte)'\'' or (byte)'"' or (byte)'`')
            {
                var end = QuotedEnd(text, i);
                w.Write(text[i..end]);
                i = end;
                continue;
            }

            if (c == (byte)'?' && p < values.Count)
            {
                var (start, size) = values.Get(p);
                WriteValue(body, start, size, values.Types, p, ref w);
                p++;
            }
            else
            {
                w.Write(c);
            }

            i++;
        }

        if (i < text.Length || stmt.FullLength > stmt.Text.Length)
        {
            w.MarkTruncated();
        }
    }

    private static int QuotedEnd(ReadOnlySpan<byte> text, int start)
    {
        var q = text[start];
        for (var i = start + 1; i < text.Length; i++)
        {
            if (text[i] == (byte)'\\' && q != (byte)'`')
            {
                i++;
            }
            else if (text[i] == q)
            {
                return i + 1;
            }
        }

        return text.Length;
    }

    private static void DecodeParams(ReadOnlySpan<byte> body, MysqlPreparedStatement stmt, bool queryAttributes, ref ParamValues v)
    {
        // stmt id (4), flags (1), iteration count (4).
        if (body.Length < 9)
        {
            return;
        }

        int n = stmt.NumParams;
        var o = 9;
        var flags = body[4];
        if ((flags & ParameterCountAvailable) != 0)
        {
            if (!MysqlParser.TryReadLenEnc(body, ref o, out var count) || count > MaxParams)
            {
                return;
            }

            n = (int)count;
        }

        if (n == 0)
        {
            return;
        }

        var bitmap = (n + 7) / 8;
        if (body.Length - o < bitmap + 1)
        {
            return;
        }

        v.NullBitmapOffset = o;
        o += bitmap;
        var bound = body[o++] == 1;
        if (bound)
        {
            if (body.Length - o < 2 * n)
            {
                return;
            }

            if (!queryAttributes)
            {
                stmt.ParamTypes = body.Slice(o, 2 * n).ToArray();
                o += 2 * n;
            }
            else
            {
                // With query attributes each type is followed by the parameter's name.
                var types = new byte[2 * n];
                for (var i = 0; i < n; i++)
                {
                    if (body.Length - o < 2)
                    {
                        return;
                    }

                    types[2 * i] = body[o];
                    types[(2 * i) + 1] = body[o + 1];
                    o += 2;
                    if (!MysqlParser.TryReadLenEncString(body, ref o, out _))
                    {
                        return;
                    }
                }

                stmt.ParamTypes = types;
            }
        }

        var t = stmt.ParamTypes;
        if (t is null || t.Length < 2 * n)
        {
            return;
        }

        v.Types = t;
        for (var i = 0; i < n && v.Count < v.Capacity; i++)
        {
            if ((body[v.NullBitmapOffset + (i / 8)] & (1 << (i % 8))) != 0 || t[2 * i] == MysqlTypes.Null)
            {
                v.Add(-1, 0);
                continue;
            }

            var size = ValueSize(body, o, t[2 * i]);
            if (size < 0 || size > body.Length - o)
            {
                return;
            }

            v.Add(o, size);
            o += size;
        }
    }

    /// <summary>Bytes of a binary-protocol value of <paramref name="type"/> at <paramref name="o"/>; -1 when unknown or short.</summary>
    private static int ValueSize(ReadOnlySpan<byte> body, int o, byte type)
    {
        switch (type)
        {
            case MysqlTypes.Tiny:
                return 1;
            case MysqlTypes.Short or MysqlTypes.Year:
                return 2;
            case MysqlTypes.Long or MysqlTypes.Int24 or MysqlTypes.Float:
                return 4;
            case MysqlTypes.LongLong or MysqlTypes.Double:
                return 8;
            case MysqlTypes.Date or MysqlTypes.DateTime or MysqlTypes.Timestamp or MysqlTypes.Time:
                return o < body.Length ? 1 + body[o] : -1;
        }

        if (!MysqlTypes.IsString(type))
        {
            return -1;
        }

        var p = o;
        return MysqlParser.TryReadLenEnc(body, ref p, out var len) && len <= (ulong)(body.Length - p) ? p - o + (int)len : -1;
    }

    private static void WriteValue(ReadOnlySpan<byte> body, int start, int size, byte[]? types, int i, ref MysqlTextWriter w)
    {
        if (start < 0 || types is null)
        {
            w.Write("NULL"u8);
            return;
        }

        var type = types[2 * i];
        var unsigned = (types[(2 * i) + 1] & 0x80) != 0;
        var b = body.Slice(start, size);
        switch (type)
        {
            case MysqlTypes.Tiny:
                w.WriteInteger(unsigned ? b[0] : (sbyte)b[0]);
                return;
            case MysqlTypes.Short or MysqlTypes.Year:
                w.WriteInteger(unsigned ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b));
                return;
            case MysqlTypes.Long or MysqlTypes.Int24:
                w.WriteInteger(unsigned ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b));
                return;
            case MysqlTypes.LongLong:
                if (unsigned)
                {
                    w.WriteUnsigned(BinaryPrimitives.ReadUInt64LittleEndian(b));
                }
                else
                {
                    w.WriteInteger(BinaryPrimitives.ReadInt64LittleEndian(b));
                }

                return;
            case MysqlTypes.Float:
                w.WriteFloat(BinaryPrimitives.ReadSingleLittleEndian(b));
                return;
            case MysqlTypes.Double:
                w.WriteFloat(BinaryPrimitives.ReadDoubleLittleEndian(b));
                return;
            case MysqlTypes.Date or MysqlTypes.DateTime or MysqlTypes.Timestamp:
                WriteDateTime(b[1..], type == MysqlTypes.Date, ref w);
                return;
            case MysqlTypes.Time:
                WriteTime(b[1..], ref w);
                return;
        }

        var o = 0;
        if (MysqlParser.TryReadLenEncString(b, ref o, out var s))
        {
            w.Write(s);
        }
    }

    private static void WriteDateTime(ReadOnlySpan<byte> b, bool dateOnly, ref MysqlTextWriter w)
    {
        // 0, 4 (date), 7 (+ time), 11 (+ microseconds) bytes.
        int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, micro = 0;
        if (b.Length >= 4)
        {
            year = BinaryPrimitives.ReadUInt16LittleEndian(b);
            month = b[2];
            day = b[3];
        }

        if (b.Length >= 7)
        {
            hour = b[4];
            minute = b[5];
            second = b[6];
        }

        if (b.Length >= 11)
        {
            micro = BinaryPrimitives.ReadInt32LittleEndian(b[7..]);
        }

        w.WritePadded(year, 4);
        w.Write((byte)'-');
        w.WritePadded(month, 2);
        w.Write((byte)'-');
        w.WritePadded(day, 2);
        if (dateOnly && b.Length < 7)
        {
            return;
        }

        w.Write((byte)' ');
        WriteClock(hour, minute, second, micro, b.Length >= 11, ref w);
    }

    private static void WriteTime(ReadOnlySpan<byte> b, ref MysqlTextWriter w)
    {
        // 0, 8 (sign, days, h, m, s), 12 (+ microseconds) bytes.
        if (b.Length < 8)
        {
            w.Write("00:00:00"u8);
            return;
        }

        if (b[0] == 1)
        {
            w.Write((byte)'-');
        }

        var days = BinaryPrimitives.ReadUInt32LittleEndian(b[1..]);
        var micro = b.Length >= 12 ? BinaryPrimitives.ReadInt32LittleEndian(b[8..]) : 0;
        WriteClock((long)days * 24 + b[5], b[6], b[7], micro, b.Length >= 12, ref w);
    }

    private static void WriteClock(long hour, int minute, int second, int micro, bool withMicro, ref MysqlTextWriter w)
    {
        w.WritePadded(hour, 2);
        w.Write((byte)':');
        w.WritePadded(minute, 2);
        w.Write((byte)':');
        w.WritePadded(second, 2);
        if (withMicro && micro != 0)
        {
            w.Write((byte)'.');
            w.WritePadded(micro, 6);
        }
    }

    /// <summary>Where each decoded parameter value lies in the body (start -1: NULL).</summary>
    private ref struct ParamValues(Span<int> starts, Span<int> lengths)
    {
        private readonly Span<int> _starts = starts;
        private readonly Span<int> _lengths = lengths;

        public int NullBitmapOffset;
        public byte[]? Types;

        public int Count { get; private set; }

        public readonly int Capacity => _starts.Length;

        public void Add(int start, int length)
        {
            _starts[Count] = start;
            _lengths[Count] = length;
            Count++;
        }

        public readonly (int Start, int Length) Get(int i) => (_starts[i], _lengths[i]);
    }
}

/// <summary>Column types of the binary protocol (enum_field_types).</summary>
public static class MysqlTypes
{
    public const byte Decimal = 0x00;
    public const byte Tiny = 0x01;
    public const byte Short = 0x02;
    public const byte Long = 0x03;
    public const byte Float = 0x04;
    public const byte Double = 0x05;
    public const byte Null = 0x06;
    public const byte Timestamp = 0x07;
    public const byte LongLong = 0x08;
    public const byte Int24 = 0x09;
    public const byte Date = 0x0a;
    public const byte Time = 0x0b;
    public const byte DateTime = 0x0c;
    public const byte Year = 0x0d;
    public const byte VarChar = 0x0f;
    public const byte Bit = 0x10;

    /// <summary>Sent as a length-encoded string: DECIMAL, VARCHAR, BIT, JSON, NEWDECIMAL, ENUM, SET, the BLOBs, VAR_STRING, STRING, GEOMETRY.</summary>
    public static bool IsString(byte type) => type is Decimal or VarChar or Bit or >= 0xf5;
}

/// <summary>
/// Writes text into a fixed span, stopping (and remembering it) once the span is full: the column gets the first
/// bytes and Pixie's truncation marker.
/// </summary>
public ref struct MysqlTextWriter(Span<byte> dst)
{
    private readonly Span<byte> _dst = dst;

    public int Written { get; private set; }

    /// <summary>Something did not fit (or the source was cut already).</summary>
    public bool Truncated { get; private set; }

    public readonly bool Full => Written >= _dst.Length;

    public readonly ReadOnlySpan<byte> Text => _dst[..Written];

    public void MarkTruncated() => Truncated = true;

    public void Write(byte b)
    {
        if (Written < _dst.Length)
        {
            _dst[Written++] = b;
        }
        else
        {
            Truncated = true;
        }
    }

    public void Write(scoped ReadOnlySpan<byte> s)
    {
        var n = Math.Min(s.Length, _dst.Length - Written);
        s[..n].CopyTo(_dst[Written..]);
        Written += n;
        if (n < s.Length)
        {
            Truncated = true;
        }
    }

    public void WriteInteger(long v)
    {
        Span<byte> tmp = stackalloc byte[24];
        v.TryFormat(tmp, out var n, default, CultureInfo.InvariantCulture);
        Write(tmp[..n]);
    }

    public void WriteUnsigned(ulong v)
    {
        Span<byte> tmp = stackalloc byte[24];
        v.TryFormat(tmp, out var n, default, CultureInfo.InvariantCulture);
        Write(tmp[..n]);
    }

    public void WriteFloat(double v)
    {
        Span<byte> tmp = stackalloc byte[40];
        v.TryFormat(tmp, out var n, "R", CultureInfo.InvariantCulture);
        Write(tmp[..n]);
    }

    public void WriteFloat(float v)
    {
        Span<byte> tmp = stackalloc byte[40];
        v.TryFormat(tmp, out var n, "R", CultureInfo.InvariantCulture);
        Write(tmp[..n]);
    }

    public void WritePadded(long v, int digits)
    {
        Span<byte> tmp = stackalloc byte[24];
        v.TryFormat(tmp, out var n, digits == 2 ? "D2" : digits == 4 ? "D4" : "D6", CultureInfo.InvariantCulture);
        Write(tmp[..n]);
    }
}
