using System.Buffers.Binary;
using System.Text;

namespace PixieHost.Tests.Pem.Protocols.Pgsql;

/// <summary>Builds PostgreSQL wire messages for unit tests (the recorded corpus covers real clients).</summary>
public static class PgsqlWire
{
    public static byte[] Msg(char tag, params byte[][] parts)
    {
        var len = 4 + parts.Sum(p => p.Length);
        var m = new byte[len + 1];
        m[0] = (byte)tag;
        BinaryPrimitives.WriteInt32BigEndian(m.AsSpan(1), len);
        var o = 5;
        foreach (var p in parts)
        {
            p.CopyTo(m, o);
            o += p.Length;
        }

        return m;
    }

    public static byte[] C(string s) => [.. Encoding.UTF8.GetBytes(s), 0];

    public static byte[] I16(int v)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteInt16BigEndian(b, (short)v);
        return b;
    }

    public static byte[] I32(int v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, v);
        return b;
    }

    public static byte[] Startup(string user = "postgres")
    {
        byte[] body = [.. I32(196608), .. C("user"), .. C(user), 0];
        return [.. I32(body.Length + 4), .. body];
    }

    public static byte[] SslRequest() => [.. I32(8), .. I32(80877103)];

    public static byte[] Query(string sql) => Msg('Q', C(sql));

    public static byte[] Parse(string name, string sql, params int[] types) =>
        Msg('P', [C(name), C(sql), I16(types.Length), .. types.Select(I32)]);

    /// <summary>A Bind of text parameters (null → NULL) with all-text results.</summary>
    public static byte[] Bind(string portal, string stmt, params string?[] values) =>
        Msg('B', [C(portal), C(stmt), I16(0), I16(values.Length),
            .. values.SelectMany(v => v is null ? new[] { I32(-1) } : [I32(Encoding.UTF8.GetByteCount(v)), Encoding.UTF8.GetBytes(v)]),
            I16(0)]);

    public static byte[] Describe(char kind, string name) => Msg('D', [(byte)kind], C(name));

    public static byte[] Execute(string portal) => Msg('E', C(portal), I32(0));

    public static byte[] Sync() => Msg('S');

    public static byte[] RowDescription(params string[] names) =>
        Msg('T', [I16(names.Length), .. names.SelectMany(n => new[] { C(n), I32(0), I16(0), I32(25), I16(-1), I32(-1), I16(0) })]);

    public static byte[] DataRow(params string?[] values) =>
        Msg('D', [I16(values.Length),
            .. values.SelectMany(v => v is null ? new[] { I32(-1) } : [I32(Encoding.UTF8.GetByteCount(v)), Encoding.UTF8.GetBytes(v)])]);

    public static byte[] CommandComplete(string tag) => Msg('C', C(tag));

    public static byte[] Ready() => Msg('Z', [(byte)'I']);

    public static byte[] Error(string code, string message) =>
        Msg('E', [(byte)'S'], C("ERROR"), [(byte)'V'], C("ERROR"), [(byte)'C'], C(code), [(byte)'M'], C(message), [0]);

    public static byte[] ParseComplete() => Msg('1');

    public static byte[] BindComplete() => Msg('2');

    public static byte[] Cat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
