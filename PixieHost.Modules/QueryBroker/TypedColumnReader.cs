using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.QueryBroker;

/// <summary>
/// Decodes the typed column messages of vizierpb (<c>Int64Column</c>, <c>StringColumn</c>, ...): field 1 holds the
/// values, packed (what every proto3 encoder writes) or one per tag (which parsers must accept too).
/// </summary>
internal static class TypedColumnReader
{
    public static bool TryRead(int oneofField, ReadOnlySpan<byte> bytes, out Column? column) => oneofField switch
    {
        1 => TryReadBooleans(bytes, out column),
        2 => TryReadInt64(bytes, DataType.Int64, out column),
        3 => TryReadUInt128(bytes, out column),
        4 => TryReadInt64(bytes, DataType.Time64NS, out column),
        5 => TryReadDoubles(bytes, out column),
        _ => TryReadStrings(bytes, out column),
    };

    private static bool TryReadInt64(ReadOnlySpan<byte> bytes, DataType type, out Column? column)
    {
        column = null;
        // Every value ends in one byte with the high bit clear: a cheap upper bound on the count, so no regrowth.
        var values = new Int64ColumnBuilder(ProtoReader.CountVarints(bytes), type);
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire))
            {
                return false;
            }

            if (field == 1 && wire == ProtoWriter.LengthDelimited)
            {
                if (!reader.TryReadLengthDelimited(out var packed))
                {
                    return false;
                }

                var inner = new ProtoReader(packed);
                while (!inner.End)
                {
                    if (!inner.TryReadVarint(out var v))
                    {
                        return false;
                    }

                    values.Append((long)v);
                }
            }
            else if (field == 1 && wire == ProtoWriter.Varint)
            {
                if (!reader.TryReadVarint(out var v))
                {
                    return false;
                }

                values.Append((long)v);
            }
            else if (!reader.TrySkip(wire))
            {
                return false;
            }
        }

        column = values.Build();
        return true;
    }

    private static bool TryReadDoubles(ReadOnlySpan<byte> bytes, out Column? column)
    {
        column = null;
        var values = new Float64ColumnBuilder(bytes.Length / 8);
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire))
            {
                return false;
            }

            if (field == 1 && wire == ProtoWriter.LengthDelimited)
            {
                if (!reader.TryReadLengthDelimited(out var packed) || packed.Length % 8 != 0)
                {
                    return false;
                }

                var inner = new ProtoReader(packed);
                while (inner.TryReadFixed64(out var bits))
                {
                    values.Append(BitConverter.UInt64BitsToDouble(bits));
                }
            }
            else if (field == 1 && wire == ProtoWriter.Fixed64)
            {
                if (!reader.TryReadFixed64(out var bits))
                {
                    return false;
                }

                values.Append(BitConverter.UInt64BitsToDouble(bits));
            }
            else if (!reader.TrySkip(wire))
            {
                return false;
            }
        }

        column = values.Build();
        return true;
    }

    private static bool TryReadBooleans(ReadOnlySpan<byte> bytes, out Column? column)
    {
        column = null;
        var values = new BooleanColumnBuilder(bytes.Length / 2);
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire))
            {
                return false;
            }

            if (field == 1 && wire == ProtoWriter.LengthDelimited)
            {
                if (!reader.TryReadLengthDelimited(out var packed))
                {
                    return false;
                }

                var inner = new ProtoReader(packed);
                while (!inner.End)
                {
                    if (!inner.TryReadVarint(out var v))
                    {
                        return false;
                    }

                    values.Append(v != 0);
                }
            }
            else if (field == 1 && wire == ProtoWriter.Varint)
            {
                if (!reader.TryReadVarint(out var v))
                {
                    return false;
                }

                values.Append(v != 0);
            }
            else if (!reader.TrySkip(wire))
            {
                return false;
            }
        }

        column = values.Build();
        return true;
    }

    private static bool TryReadUInt128(ReadOnlySpan<byte> bytes, out Column? column)
    {
        column = null;
        var values = new UInt128ColumnBuilder(4);
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire))
            {
                return false;
            }

            if (field == 1 && wire == ProtoWriter.LengthDelimited)
            {
                if (!reader.TryReadLengthDelimited(out var message) || !TryReadUInt128Message(message, out var v))
                {
                    return false;
                }

                values.Append(v);
            }
            else if (!reader.TrySkip(wire))
            {
                return false;
            }
        }

        column = values.Build();
        return true;
    }

    private static bool TryReadUInt128Message(ReadOnlySpan<byte> bytes, out UInt128 value)
    {
        value = default;
        ulong low = 0, high = 0;
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire))
            {
                return false;
            }

            var ok = (field, wire) switch
            {
                (1, ProtoWriter.Varint) => reader.TryReadVarint(out low),
                (2, ProtoWriter.Varint) => reader.TryReadVarint(out high),
                _ => reader.TrySkip(wire),
            };
            if (!ok)
            {
                return false;
            }
        }

        value = new UInt128(high, low);
        return true;
    }

    private static bool TryReadStrings(ReadOnlySpan<byte> bytes, out Column? column)
    {
        column = null;
        var values = new StringColumnBuilder(16);
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire))
            {
                return false;
            }

            if (field == 1 && wire == ProtoWriter.LengthDelimited)
            {
                if (!reader.TryReadLengthDelimited(out var value))
                {
                    return false;
                }

                values.Append(value);
            }
            else if (!reader.TrySkip(wire))
            {
                return false;
            }
        }

        column = values.Build();
        return true;
    }
}
