using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>
/// px.normalize_pgsql(query, cmd) and px.normalize_mysql(query, cmd): the query with every literal (string,
/// number, dollar-quoted string) replaced by a placeholder ($1, $2 … for Postgres, ? for MySQL), as Pixie's
/// sql_ops return it: <c>{"query": …, "params": [literal, …], "error": ""}</c>. Commands other than a query or
/// prepare give an empty query and an error. Identifiers, keywords, comments and existing placeholders are kept.
/// </summary>
public static partial class SqlNormalizer
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Register(FunctionRegistry r)
    {
        r.Register(new ScalarFunction("normalize_pgsql").Add([DataType.String, DataType.String], DataType.String, (a, n) => Normalize(a, n, postgres: true)));
        r.Register(new ScalarFunction("normalize_mysql").Add([DataType.String, DataType.Int64], DataType.String, (a, n) => Normalize(a, n, postgres: false)));
    }

    private static Column Normalize(ReadOnlySpan<Datum> args, int n, bool postgres)
    {
        var queries = (StringColumn)args[0].ToColumn(n);
        var output = new ArrayBufferWriter<byte>(256);
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        var state = new Scratch();
        var builder = new StringColumnBuilder(n);
        for (var i = 0; i < n; i++)
        {
            output.ResetWrittenCount();
            writer.Reset(output);
            writer.WriteStartObject();
            if (IsQueryCommand(args[1], i, postgres))
            {
                Rewrite(queries.GetSpan(i), postgres, state);
                writer.WriteString("query"u8, state.Query.WrittenSpan);
                writer.WriteStartArray("params"u8);
                for (var p = 0; p < state.ParamCount; p++)
                {
                    writer.WriteStringValue(state.Param(p));
                }

                writer.WriteEndArray();
                writer.WriteString("error"u8, ""u8);
            }
            else
            {
                writer.WriteString("query"u8, ""u8);
                writer.WriteStartArray("params"u8);
                writer.WriteEndArray();
                writer.WriteString("error"u8, postgres ? "normalize_pgsql only normalizes Query and Parse messages"u8 : "normalize_mysql only normalizes COM_QUERY and COM_STMT_PREPARE"u8);
            }

            writer.WriteEndObject();
            writer.Flush();
            builder.Append(output.WrittenSpan);
        }

        return builder.Build();
    }

    private static bool IsQueryCommand(in Datum cmd, int row, bool postgres)
    {
        if (!postgres)
        {
            var c = cmd.IsScalar ? cmd.Scalar.Int : ((Int64Column)cmd.Column!).Values[row];
            return c is 0x03 or 0x16;
        }

        var s = cmd.IsScalar ? cmd.Scalar.Utf8 : ((StringColumn)cmd.Column!).GetSpan(row);
        return s.IsEmpty || EqualsIgnoreCase(s, "query"u8) || EqualsIgnoreCase(s, "parse"u8) || s.SequenceEqual("Q"u8) || s.SequenceEqual("P"u8);
    }

    /// <summary>Writes the normalized query and the literals of <paramref name="q"/> into <paramref name="s"/>.</summary>
    public static void Rewrite(ReadOnlySpan<byte> q, bool postgres, Scratch s)
    {
        s.Reset();
        s.FirstNumber = postgres ? HighestPlaceholder(q) + 1 : 1;
        var i = 0;
        while (i < q.Length)
        {
            var c = q[i];
            if (c == '-' && i + 1 < q.Length && q[i + 1] == '-')
            {
                i = Copy(q, i, IndexOrEnd(q, i, (byte)'\n'), s);
            }
            else if (c == '/' && i + 1 < q.Length && q[i + 1] == '*')
            {
                var end = q[(i + 2)..].IndexOf("*/"u8);
                i = Copy(q, i, end < 0 ? q.Length : i + 2 + end + 2, s);
            }
            else if (c == '\'' || (!postgres && c == '"'))
            {
                var escapeString = postgres && c == '\'' && i > 0 && (q[i - 1] | 0x20) == 'e' && (i < 2 || !IsIdent(q[i - 2]));
                i = QuotedLiteral(q, i, c, backslash: !postgres || escapeString, escapeString, postgres, s);
            }
            else if (postgres && c == '"' || !postgres && c == '`')
            {
                i = Copy(q, i, QuotedEnd(q, i, c, false), s);
            }
            else if (postgres && c == '$' && DollarTag(q, i) is var tag and > 0)
            {
                var body = q.Slice(i + tag);
                var close = body.IndexOf(q.Slice(i, tag));
                var end = close < 0 ? q.Length : i + tag + close + tag;
                s.AddParam(q.Slice(i + tag, (close < 0 ? q.Length - i - tag : close)), unescape: 0);
                Placeholder(postgres, s);
                i = end;
            }
            else if (IsDigit(c) || (c == '.' && i + 1 < q.Length && IsDigit(q[i + 1])))
            {
                if (i > 0 && (IsIdent(q[i - 1]) || q[i - 1] == '$'))
                {
                    // Part of an identifier (t1) or an existing placeholder ($1): not a literal.
                    i = Copy(q, i, i + 1, s);
                    continue;
                }

                var end = NumberEnd(q, i);
                s.AddParam(q[i..end], unescape: 0);
                Placeholder(postgres, s);
                i = end;
            }
            else
            {
                var end = i + 1;
                while (end < q.Length && IsIdent(q[end]) && IsIdent(c))
                {
                    end++;
                }

                i = Copy(q, i, end, s);
            }
        }
    }

    private static int QuotedLiteral(ReadOnlySpan<byte> q, int i, byte quote, bool backslash, bool escapeString, bool postgres, Scratch s)
    {
        var end = QuotedEnd(q, i, quote, backslash);
        var closed = end > i + 1 && q[end - 1] == quote && !(end == q.Length && end - 1 == i);
        var inner = q[(i + 1)..(closed ? end - 1 : end)];
        if (escapeString)
        {
            // E'…': the E prefix belongs to the literal the placeholder replaces.
            s.Unwrite(1);
        }

        s.AddParam(inner, unescape: backslash ? (byte)2 : quote);
        Placeholder(postgres, s);
        return end;
    }

    /// <summary>Index after the closing quote (a doubled quote, or a backslash escape when allowed, does not close).</summary>
    private static int QuotedEnd(ReadOnlySpan<byte> q, int start, byte quote, bool backslash)
    {
        for (var i = start + 1; i < q.Length; i++)
        {
            if (backslash && q[i] == '\\')
            {
                i++;
            }
            else if (q[i] == quote)
            {
                if (i + 1 < q.Length && q[i + 1] == quote)
                {
                    i++;
                    continue;
                }

                return i + 1;
            }
        }

        return q.Length;
    }

    private static int DollarTag(ReadOnlySpan<byte> q, int i)
    {
        var j = i + 1;
        while (j < q.Length && (IsIdent(q[j]) && !IsDigit(q[j]) || (j > i + 1 && IsDigit(q[j]))))
        {
            j++;
        }

        return j < q.Length && q[j] == '$' ? j - i + 1 : 0;
    }

    private static int NumberEnd(ReadOnlySpan<byte> q, int i)
    {
        if (q[i] == '0' && i + 1 < q.Length && (q[i + 1] | 0x20) == 'x')
        {
            i += 2;
            while (i < q.Length && char.IsAsciiHexDigit((char)q[i]))
            {
                i++;
            }

            return i;
        }

        while (i < q.Length && (IsDigit(q[i]) || q[i] == '.'))
        {
            i++;
        }

        if (i + 1 < q.Length && (q[i] | 0x20) == 'e' && (IsDigit(q[i + 1]) || ((q[i + 1] == '-' || q[i + 1] == '+') && i + 2 < q.Length && IsDigit(q[i + 2]))))
        {
            i += 2;
            while (i < q.Length && IsDigit(q[i]))
            {
                i++;
            }
        }

        return i;
    }

    private static void Placeholder(bool postgres, Scratch s)
    {
        if (!postgres)
        {
            s.Write("?"u8);
            return;
        }

        Span<byte> text = stackalloc byte[12];
        text[0] = (byte)'$';
        (s.FirstNumber + s.ParamCount - 1).TryFormat(text[1..], out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        s.Write(text[..(written + 1)]);
    }

    /// <summary>The largest $n already in the query (Parse messages carry them), so new placeholders do not collide.</summary>
    private static int HighestPlaceholder(ReadOnlySpan<byte> q)
    {
        var max = 0;
        for (var i = q.IndexOf((byte)'$'); i >= 0 && i < q.Length; i = q[(i + 1)..].IndexOf((byte)'$') is var k and >= 0 ? i + 1 + k : -1)
        {
            var n = 0;
            var j = i + 1;
            for (; j < q.Length && IsDigit(q[j]) && n < 100_000; j++)
            {
                n = (n * 10) + (q[j] - '0');
            }

            if (j > i + 1 && (i == 0 || !IsIdent(q[i - 1])))
            {
                max = Math.Max(max, n);
            }
        }

        return max;
    }

    private static int Copy(ReadOnlySpan<byte> q, int from, int to, Scratch s)
    {
        s.Write(q[from..to]);
        return to;
    }

    private static int IndexOrEnd(ReadOnlySpan<byte> q, int from, byte b) => q[from..].IndexOf(b) is var k and >= 0 ? from + k : q.Length;

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static bool IsIdent(byte b) => b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'_' or >= 0x80;

    private static bool EqualsIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> lower)
    {
        if (a.Length != lower.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if ((a[i] | 0x20) != lower[i])
            {
                return false;
            }
        }

        return true;
    }
}
