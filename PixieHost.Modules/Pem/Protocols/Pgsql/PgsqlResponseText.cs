namespace PixieHost.Modules.Pem.Protocols.Pgsql;

/// <summary>
/// Renders backend messages into the resp cell, as Pixie prints them: a RowDescription as its column names joined
/// by ',', a DataRow as its values joined by ',' (NULL as [NULL]), an ErrorResponse as its fields, one
/// <c>Name=value</c> per line in wire order (Severity=ERROR, Code=42P01, Message=…).
/// </summary>
public static class PgsqlResponseText
{
    public static void AppendColumnNames(PgsqlText dst, ReadOnlySpan<byte> payload)
    {
        var r = new PgsqlReader(payload);
        if (!r.TryReadInt16(out var n))
        {
            return;
        }

        for (var i = 0; i < n; i++)
        {
            if (!r.TryReadCString(out var name))
            {
                return;
            }

            if (i > 0)
            {
                dst.Append((byte)',');
            }

            dst.Append(name);
            r.ReadBytes(18, out _);
        }
    }

    /// <summary>One row; binary columns (per <paramref name="portal"/>'s result formats) decoded by <paramref name="desc"/>'s types.</summary>
    public static void AppendDataRow(PgsqlText dst, ReadOnlySpan<byte> payload, PgsqlRowDesc? desc, PgsqlPortal? portal)
    {
        var r = new PgsqlReader(payload);
        if (!r.TryReadInt16(out var n))
        {
            return;
        }

        for (var i = 0; i < n; i++)
        {
            if (!r.TryReadInt32(out var len))
            {
                return;
            }

            if (i > 0)
            {
                dst.Append((byte)',');
            }

            if (len < 0)
            {
                dst.Append(PgsqlValueFormatter.Null);
                continue;
            }

            var value = r.ReadBytes(len, out var complete);
            if (dst.IsFull)
            {
                // Past the cap only the length still matters.
                dst.AddUnheld(len);
                if (!complete)
                {
                    return;
                }

                continue;
            }

            PgsqlValueFormatter.Append(dst, value, desc?.TypeOf(i) ?? 0, portal?.IsBinary(i) ?? false);
            if (!complete)
            {
                dst.AddUnheld(len - value.Length);
                return;
            }
        }
    }

    public static void AppendError(PgsqlText dst, ReadOnlySpan<byte> payload)
    {
        var r = new PgsqlReader(payload);
        var first = true;
        while (r.TryReadByte(out var code) && code != 0)
        {
            var value = r.ReadCStringOrRest();
            var name = FieldName(code);
            if (name.IsEmpty)
            {
                continue;
            }

            if (!first)
            {
                dst.Append((byte)'\n');
            }

            first = false;
            dst.Append(name);
            dst.Append((byte)'=');
            dst.Append(value);
        }
    }

    /// <summary>The parameter type OIDs of a ParameterDescription; null when malformed.</summary>
    public static int[]? ParseParameterTypes(ReadOnlySpan<byte> payload)
    {
        var r = new PgsqlReader(payload);
        if (!r.TryReadInt16(out var n) || n < 0 || n > r.Remaining / 4)
        {
            return null;
        }

        var types = new int[n];
        for (var i = 0; i < n; i++)
        {
            r.TryReadInt32(out types[i]);
        }

        return types;
    }

    /// <summary>Pixie's names of the ErrorResponse field codes; the non-localized severity ('V') repeats 'S' and is left out.</summary>
    private static ReadOnlySpan<byte> FieldName(byte code) => code switch
    {
        (byte)'S' => "Severity"u8,
        (byte)'C' => "Code"u8,
        (byte)'M' => "Message"u8,
        (byte)'D' => "Detail"u8,
        (byte)'H' => "Hint"u8,
        (byte)'P' => "Position"u8,
        (byte)'p' => "InternalPosition"u8,
        (byte)'q' => "InternalQuery"u8,
        (byte)'W' => "Where"u8,
        (byte)'s' => "SchemaName"u8,
        (byte)'t' => "TableName"u8,
        (byte)'c' => "ColumnName"u8,
        (byte)'d' => "DataTypeName"u8,
        (byte)'n' => "ConstraintName"u8,
        (byte)'F' => "File"u8,
        (byte)'L' => "Line"u8,
        (byte)'R' => "Routine"u8,
        _ => default,
    };
}
