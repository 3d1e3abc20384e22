using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pxl.Functions;

/// <summary>
/// px.uri_parse(uri): the RFC 3986 parts as JSON ({"scheme", "userinfo", "host", "port", "path", "query", "fragment"},
/// only the parts present; port a number), and px.uri_recompose(scheme, userinfo, host, port, path, query, fragment).
/// </summary>
public static class UriFunctions
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Register(FunctionRegistry r)
    {
        const DataType S = DataType.String;
        r.Register(new ScalarFunction("uri_parse").Add([S], S, Parse));
        r.Register(new ScalarFunction("uri_recompose").Add([S, S, S, DataType.Int64, S, S, S], S, Recompose));
    }

    private ref struct Parts
    {
        public ReadOnlySpan<byte> Scheme, UserInfo, Host, Path, Query, Fragment;
        public long Port;
    }

    private static Parts Split(ReadOnlySpan<byte> u)
    {
        var p = new Parts { Port = -1 };
        if (u.IndexOf((byte)'#') is var hash and >= 0)
        {
            p.Fragment = u[(hash + 1)..];
            u = u[..hash];
        }

        if (u.IndexOf((byte)'?') is var q and >= 0)
        {
            p.Query = u[(q + 1)..];
            u = u[..q];
        }

        var colon = u.IndexOf((byte)':');
        if (colon > 0 && IsScheme(u[..colon]))
        {
            p.Scheme = u[..colon];
            u = u[(colon + 1)..];
        }

        if (u.StartsWith("//"u8))
        {
            u = u[2..];
            var end = u.IndexOf((byte)'/') is var slash and >= 0 ? slash : u.Length;
            var authority = u[..end];
            u = u[end..];
            if (authority.LastIndexOf((byte)'@') is var at and >= 0)
            {
                p.UserInfo = authority[..at];
                authority = authority[(at + 1)..];
            }

            var portColon = authority.LastIndexOf((byte)':');
            if (portColon >= 0 && authority.LastIndexOf((byte)']') < portColon &&
                long.TryParse(authority[(portColon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                p.Port = port;
                authority = authority[..portColon];
            }

            p.Host = authority;
        }

        p.Path = u;
        return p;
    }

    private static bool IsScheme(ReadOnlySpan<byte> s)
    {
        if (!char.IsAsciiLetter((char)s[0]))
        {
            return false;
        }

        foreach (var b in s)
        {
            if (!char.IsAsciiLetterOrDigit((char)b) && b is not ((byte)'+' or (byte)'-' or (byte)'.'))
            {
                return false;
            }
        }

        return true;
    }

    private static Column Parse(ReadOnlySpan<Datum> args, int n)
    {
        var uris = (StringColumn)args[0].ToColumn(n);
        var buffer = new ArrayBufferWriter<byte>(256);
        using var w = new Utf8JsonWriter(buffer, WriterOptions);
        var b = new StringColumnBuilder(n);
        for (var i = 0; i < n; i++)
        {
            buffer.ResetWrittenCount();
            w.Reset(buffer);
            var p = Split(uris.GetSpan(i));
            w.WriteStartObject();
            Field(w, "scheme"u8, p.Scheme);
            Field(w, "userinfo"u8, p.UserInfo);
            Field(w, "host"u8, p.Host);
            if (p.Port >= 0)
            {
                w.WriteNumber("port"u8, p.Port);
            }

            Field(w, "path"u8, p.Path);
            Field(w, "query"u8, p.Query);
            Field(w, "fragment"u8, p.Fragment);
            w.WriteEndObject();
            w.Flush();
            b.Append(buffer.WrittenSpan);
        }

        return b.Build();
    }

    private static void Field(Utf8JsonWriter w, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (!value.IsEmpty)
        {
            w.WriteString(name, value);
        }
    }

    private static Column Recompose(ReadOnlySpan<Datum> args, int n)
    {
        var cols = new StringColumn?[7];
        foreach (var k in (ReadOnlySpan<int>)[0, 1, 2, 4, 5, 6])
        {
            cols[k] = (StringColumn)args[k].ToColumn(n);
        }

        var ports = (Int64Column)args[3].ToColumn(n);
        var b = new StringColumnBuilder(n);
        Span<byte> port = stackalloc byte[24];
        for (var i = 0; i < n; i++)
        {
            ReadOnlySpan<byte> scheme = cols[0]!.GetSpan(i), user = cols[1]!.GetSpan(i), host = cols[2]!.GetSpan(i);
            ReadOnlySpan<byte> path = cols[4]!.GetSpan(i), query = cols[5]!.GetSpan(i), fragment = cols[6]!.GetSpan(i);
            var portLen = ports.Values[i] > 0 && ports.Values[i].TryFormat(port, out var pl, default, CultureInfo.InvariantCulture) ? pl : 0;
            var dst = b.BeginAppend(scheme.Length + user.Length + host.Length + path.Length + query.Length + fragment.Length + portLen + 8);
            var len = 0;
            if (!scheme.IsEmpty)
            {
                len = Put(dst, len, scheme);
                len = Put(dst, len, ":"u8);
            }

            if (!host.IsEmpty || !user.IsEmpty || portLen > 0)
            {
                len = Put(dst, len, "//"u8);
                len = user.IsEmpty ? len : Put(dst, Put(dst, len, user), "@"u8);
                len = Put(dst, len, host);
                len = portLen == 0 ? len : Put(dst, Put(dst, len, ":"u8), port[..portLen]);
            }

            len = Put(dst, len, path);
            len = query.IsEmpty ? len : Put(dst, Put(dst, len, "?"u8), query);
            len = fragment.IsEmpty ? len : Put(dst, Put(dst, len, "#"u8), fragment);
            b.CommitWritten(len);
        }

        return b.Build();
    }

    private static int Put(Span<byte> dst, int at, ReadOnlySpan<byte> s)
    {
        s.CopyTo(dst[at..]);
        return at + s.Length;
    }
}
