using System.Buffers.Binary;
using System.Text;

namespace PixieHost.Modules.Pem.Protocols.Pgsql;

public sealed partial class PgsqlStitcher
{
    /// <summary>Statements and portals kept per connection; past this many named ones the maps are cleared.</summary>
    public const int MaxNamed = 1024;

    private readonly Dictionary<string, PgsqlStatement> _statements = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PgsqlPortal> _portals = new(StringComparer.Ordinal);
    private PgsqlStatement? _unnamedStatement;
    private PgsqlPortal? _unnamedPortal;

    /// <summary>
    /// Takes one frontend message: queues the requests that get responses (Query, Parse, Bind, Describe, Execute,
    /// Close, Sync, startup) and tracks prepared statements and portals, so an Execute shows its query and the
    /// parameters its Bind carried. Flush, Terminate, password and COPY data get no response of their own.
    /// </summary>
    public void OnRequest(in PgsqlMessage m, ulong tsNs, int maxStringBytes, ProtocolStats stats)
    {
        var r = new PgsqlReader(m.Payload);
        switch (m.Tag)
        {
            case 0:
                OnStartup(m, tsNs, maxStringBytes, stats);
                return;
            case PgsqlTag.Query:
            {
                var req = Enqueue(PgsqlRequestKind.Query, tsNs, maxStringBytes, stats);
                req.Text.Append(r.ReadCStringOrRest());
                if (m.Truncated)
                {
                    req.Text.AddUnheld(m.Length - PgsqlParser.HeaderBytes - m.Payload.Length);
                }

                return;
            }

            case PgsqlTag.Parse:
                OnParse(ref r, m, tsNs, maxStringBytes, stats);
                return;
            case PgsqlTag.Bind:
                OnBind(ref r, tsNs, maxStringBytes, stats);
                return;
            case PgsqlTag.Describe:
            {
                r.TryReadByte(out var kind);
                var name = r.ReadCStringOrRest();
                var req = Enqueue(PgsqlRequestKind.Describe, tsNs, maxStringBytes, stats);
                if (kind == (byte)'P')
                {
                    req.Portal = FindPortal(name);
                }
                else
                {
                    req.Statement = FindStatement(name);
                }

                return;
            }

            case PgsqlTag.Execute:
            {
                var portal = FindPortal(r.ReadCStringOrRest());
                var req = Enqueue(PgsqlRequestKind.Execute, tsNs, maxStringBytes, stats);
                req.Portal = portal;
                if (portal is not null)
                {
                    req.Text.CopyFrom(portal.Text);
                    req.Statement = portal.Statement;
                }

                return;
            }

            case PgsqlTag.Close:
            {
                r.TryReadByte(out var kind);
                var name = r.ReadCStringOrRest();
                Forget(kind == (byte)'P', name);
                Enqueue(PgsqlRequestKind.Close, tsNs, maxStringBytes, stats);
                return;
            }

            case PgsqlTag.Sync:
                Enqueue(PgsqlRequestKind.Sync, tsNs, maxStringBytes, stats);
                return;
            case PgsqlTag.FunctionCall:
                Enqueue(PgsqlRequestKind.FunctionCall, tsNs, maxStringBytes, stats);
                return;
            default:
                return;
        }
    }

    private void OnStartup(in PgsqlMessage m, ulong tsNs, int maxStringBytes, ProtocolStats stats)
    {
        if (m.Payload.Length < 4)
        {
            return;
        }

        var code = BinaryPrimitives.ReadInt32BigEndian(m.Payload);
        if (code is PgsqlTag.SslRequestCode or PgsqlTag.GssEncRequestCode)
        {
            Enqueue(PgsqlRequestKind.SslRequest, tsNs, maxStringBytes, stats);
        }
        else if (code == PgsqlTag.ProtocolVersion3)
        {
            Enqueue(PgsqlRequestKind.Startup, tsNs, maxStringBytes, stats);
        }

        // A CancelRequest goes on its own connection and is never answered.
    }

    private void OnParse(ref PgsqlReader r, in PgsqlMessage m, ulong tsNs, int maxStringBytes, ProtocolStats stats)
    {
        var name = r.ReadCStringOrRest();
        var query = r.ReadCStringOrRest();
        var stmt = new PgsqlStatement();
        stmt.Query.Reset(maxStringBytes);
        stmt.Query.Append(query);
        if (m.Truncated && r.Remaining == 0)
        {
            stmt.Query.AddUnheld(m.Length - PgsqlParser.HeaderBytes - m.Payload.Length);
        }

        if (r.TryReadInt16(out var n) && n > 0 && n <= r.Remaining / 4)
        {
            var types = new int[n];
            for (var i = 0; i < n; i++)
            {
                r.TryReadInt32(out types[i]);
            }

            stmt.ParamTypes = types;
        }

        Remember(name, stmt);
        var req = Enqueue(PgsqlRequestKind.Parse, tsNs, maxStringBytes, stats);
        req.Statement = stmt;
        req.Text.CopyFrom(stmt.Query);
    }

    /// <summary>Builds the portal's Execute text like Pixie: <c>query=[SELECT $1] params=[42, abc]</c>.</summary>
    private void OnBind(ref PgsqlReader r, ulong tsNs, int maxStringBytes, ProtocolStats stats)
    {
        var portalName = r.ReadCStringOrRest();
        var stmt = FindStatement(r.ReadCStringOrRest());
        var portal = new PgsqlPortal { Statement = stmt };
        var text = portal.Text;
        text.Reset(maxStringBytes);
        text.Append("query=["u8);
        if (stmt is not null)
        {
            text.Append(stmt.Query.Written);
            text.AddUnheld(stmt.Query.FullLength - stmt.Query.Length);
        }

        text.Append("] params=["u8);
        short nFormats = 0;
        ReadOnlySpan<byte> formats = default;
        if (r.TryReadInt16(out nFormats) && nFormats > 0)
        {
            formats = r.ReadBytes(nFormats * 2, out _);
        }

        if (r.TryReadInt16(out var nParams))
        {
            for (var i = 0; i < nParams; i++)
            {
                if (!r.TryReadInt32(out var len))
                {
                    break;
                }

                if (i > 0)
                {
                    text.Append(", "u8);
                }

                if (len < 0)
                {
                    text.Append(PgsqlValueFormatter.Null);
                    continue;
                }

                var value = r.ReadBytes(len, out var complete);
                var binary = FormatAt(formats, nFormats, i) == 1;
                var type = stmt is not null && i < stmt.ParamTypes.Length ? stmt.ParamTypes[i] : 0;
                PgsqlValueFormatter.Append(text, value, type, binary);
                if (!complete)
                {
                    text.AddUnheld(len - value.Length);
                    break;
                }
            }
        }

        text.Append("]"u8);
        if (r.TryReadInt16(out var nResults) && nResults > 0 && nResults <= r.Remaining / 2)
        {
            var res = new short[nResults];
            for (var i = 0; i < nResults; i++)
            {
                r.TryReadInt16(out res[i]);
            }

            portal.ResultFormats = res;
        }

        RememberPortal(portalName, portal);
        var req = Enqueue(PgsqlRequestKind.Bind, tsNs, maxStringBytes, stats);
        req.Portal = portal;
        req.Statement = stmt;
        req.Text.CopyFrom(text);
    }

    private static short FormatAt(ReadOnlySpan<byte> formats, short n, int i)
    {
        if (n <= 0 || formats.Length < 2)
        {
            return 0;
        }

        var at = n == 1 ? 0 : i;
        return (at * 2) + 2 <= formats.Length ? BinaryPrimitives.ReadInt16BigEndian(formats[(at * 2)..]) : (short)0;
    }

    private PgsqlStatement? FindStatement(ReadOnlySpan<byte> name) => name.IsEmpty ? _unnamedStatement : Find(_statements, name);

    private PgsqlPortal? FindPortal(ReadOnlySpan<byte> name) => name.IsEmpty ? _unnamedPortal : Find(_portals, name);

    /// <summary>Looks a name up without making a string: every Bind and Execute of a named statement does this.</summary>
    private static T? Find<T>(Dictionary<string, T> map, ReadOnlySpan<byte> name)
        where T : class
    {
        if (map.Count == 0)
        {
            return null;
        }

        Span<char> chars = name.Length <= 256 ? stackalloc char[name.Length] : new char[name.Length];
        var n = Encoding.UTF8.GetChars(name, chars);
        return map.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..n], out var v) ? v : null;
    }

    private void Remember(ReadOnlySpan<byte> name, PgsqlStatement stmt)
    {
        if (name.IsEmpty)
        {
            _unnamedStatement = stmt;
            return;
        }

        if (_statements.Count >= MaxNamed)
        {
            _statements.Clear();
        }

        _statements[Encoding.UTF8.GetString(name)] = stmt;
    }

    private void RememberPortal(ReadOnlySpan<byte> name, PgsqlPortal portal)
    {
        if (name.IsEmpty)
        {
            _unnamedPortal = portal;
            return;
        }

        if (_portals.Count >= MaxNamed)
        {
            _portals.Clear();
        }

        _portals[Encoding.UTF8.GetString(name)] = portal;
    }

    private void Forget(bool portal, ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty)
        {
            return;
        }

        if (portal)
        {
            _portals.Remove(Encoding.UTF8.GetString(name));
        }
        else
        {
            _statements.Remove(Encoding.UTF8.GetString(name));
        }
    }
}
