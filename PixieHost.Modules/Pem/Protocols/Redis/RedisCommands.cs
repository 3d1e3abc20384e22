using System.Collections.Frozen;

namespace PixieHost.Modules.Pem.Protocols.Redis;

/// <summary>
/// Command names and argument names (from the Redis command docs), for req_cmd and req_args the way Pixie's
/// redis cmd_args formats them: <c>SET foo bar EX 10</c> → req_cmd <c>SET</c>, req_args
/// <c>{"key":"foo","value":"bar","options":["EX","10"]}</c>. A name with '*' takes the remaining arguments as
/// a list, '?' marks an optional one. Commands not in the table, or with fewer arguments than the table wants,
/// get a JSON array of their arguments. Container commands (CONFIG, CLIENT, …) are named with their subcommand:
/// <c>CONFIG GET</c>.
/// </summary>
public static class RedisCommands
{
    private static readonly FrozenDictionary<string, string[]> Specs = new Dictionary<string, string[]>
    {
        ["APPEND"] = ["key", "value"], ["AUTH"] = ["*args"], ["BLPOP"] = ["*key"], ["BRPOP"] = ["*key"],
        ["BLMOVE"] = ["source", "destination", "wherefrom", "whereto", "timeout"],
        ["DBSIZE"] = [], ["DECR"] = ["key"], ["DECRBY"] = ["key", "decrement"], ["DEL"] = ["*key"],
        ["DISCARD"] = [], ["DUMP"] = ["key"], ["ECHO"] = ["message"], ["EVAL"] = ["script", "numkeys"],
        ["EVALSHA"] = ["sha1", "numkeys"], ["EXEC"] = [], ["EXISTS"] = ["*key"], ["EXPIRE"] = ["key", "seconds"],
        ["EXPIREAT"] = ["key", "unix-time-seconds"], ["FLUSHALL"] = [], ["FLUSHDB"] = [], ["GET"] = ["key"],
        ["GETDEL"] = ["key"], ["GETEX"] = ["key"], ["GETRANGE"] = ["key", "start", "end"], ["GETSET"] = ["key", "value"],
        ["HDEL"] = ["key", "*field"], ["HELLO"] = ["?protover"], ["HEXISTS"] = ["key", "field"], ["HGET"] = ["key", "field"],
        ["HGETALL"] = ["key"], ["HINCRBY"] = ["key", "field", "increment"], ["HKEYS"] = ["key"], ["HLEN"] = ["key"],
        ["HMGET"] = ["key", "*field"], ["HMSET"] = ["key", "field", "value"], ["HSET"] = ["key", "field", "value"],
        ["HSETNX"] = ["key", "field", "value"], ["HVALS"] = ["key"], ["INCR"] = ["key"], ["INCRBY"] = ["key", "increment"],
        ["INCRBYFLOAT"] = ["key", "increment"], ["INFO"] = ["?section"], ["KEYS"] = ["pattern"], ["LASTSAVE"] = [],
        ["LINDEX"] = ["key", "index"], ["LLEN"] = ["key"], ["LMOVE"] = ["source", "destination", "wherefrom", "whereto"],
        ["LPOP"] = ["key", "?count"], ["LPUSH"] = ["key", "*element"], ["LPUSHX"] = ["key", "*element"],
        ["LRANGE"] = ["key", "start", "stop"], ["LREM"] = ["key", "count", "element"], ["LSET"] = ["key", "index", "element"],
        ["LTRIM"] = ["key", "start", "stop"], ["MGET"] = ["*key"], ["MSET"] = ["*key_value"], ["MULTI"] = [],
        ["PERSIST"] = ["key"], ["PEXPIRE"] = ["key", "milliseconds"], ["PING"] = ["?message"], ["PSETEX"] = ["key", "milliseconds", "value"],
        ["PSUBSCRIBE"] = ["*pattern"], ["PTTL"] = ["key"], ["PUBLISH"] = ["channel", "message"], ["PUNSUBSCRIBE"] = ["*pattern"],
        ["QUIT"] = [], ["RANDOMKEY"] = [], ["RENAME"] = ["key", "newkey"], ["RPOP"] = ["key", "?count"],
        ["RPOPLPUSH"] = ["source", "destination"], ["RPUSH"] = ["key", "*element"], ["RPUSHX"] = ["key", "*element"],
        ["SADD"] = ["key", "*member"], ["SCAN"] = ["cursor"], ["SCARD"] = ["key"], ["SDIFF"] = ["*key"], ["SELECT"] = ["index"],
        ["SET"] = ["key", "value"], ["SETEX"] = ["key", "seconds", "value"], ["SETNX"] = ["key", "value"],
        ["SINTER"] = ["*key"], ["SISMEMBER"] = ["key", "member"], ["SMEMBERS"] = ["key"], ["SPOP"] = ["key", "?count"],
        ["SREM"] = ["key", "*member"], ["SSUBSCRIBE"] = ["*shardchannel"], ["STRLEN"] = ["key"], ["SUBSCRIBE"] = ["*channel"],
        ["SUNION"] = ["*key"], ["TIME"] = [], ["TTL"] = ["key"], ["TYPE"] = ["key"], ["UNLINK"] = ["*key"],
        ["UNSUBSCRIBE"] = ["*channel"], ["UNWATCH"] = [], ["WATCH"] = ["*key"], ["XADD"] = ["key", "*args"],
        ["XLEN"] = ["key"], ["XRANGE"] = ["key", "start", "end"], ["XREAD"] = ["*args"], ["ZADD"] = ["key", "*score_member"],
        ["ZCARD"] = ["key"], ["ZINCRBY"] = ["key", "increment", "member"], ["ZRANGE"] = ["key", "start", "stop"],
        ["ZRANGEBYSCORE"] = ["key", "min", "max"], ["ZRANK"] = ["key", "member"], ["ZREM"] = ["key", "*member"],
        ["ZREVRANGE"] = ["key", "start", "stop"], ["ZSCORE"] = ["key", "member"],
        ["ACL WHOAMI"] = [], ["ACL LIST"] = [], ["CLIENT GETNAME"] = [], ["CLIENT ID"] = [], ["CLIENT INFO"] = [],
        ["CLIENT KILL"] = ["*args"], ["CLIENT LIST"] = [], ["CLIENT SETINFO"] = ["attr", "value"],
        ["CLIENT SETNAME"] = ["connection-name"], ["CLUSTER INFO"] = [], ["COMMAND COUNT"] = [], ["COMMAND DOCS"] = ["*command-name"],
        ["COMMAND INFO"] = ["*command-name"], ["CONFIG GET"] = ["*parameter"], ["CONFIG RESETSTAT"] = [], ["CONFIG REWRITE"] = [],
        ["CONFIG SET"] = ["parameter", "value"], ["MEMORY USAGE"] = ["key"], ["OBJECT ENCODING"] = ["key"],
        ["PUBSUB CHANNELS"] = ["?pattern"], ["SCRIPT EXISTS"] = ["*sha1"], ["SCRIPT FLUSH"] = [], ["SCRIPT LOAD"] = ["script"],
        ["SLOWLOG GET"] = ["?count"], ["XINFO STREAM"] = ["key"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Commands that take a subcommand (req_cmd names both words).</summary>
    private static readonly FrozenSet<string> Containers = FrozenSet.ToFrozenSet(
        ["ACL", "CLIENT", "CLUSTER", "COMMAND", "CONFIG", "DEBUG", "FUNCTION", "LATENCY", "MEMORY", "MODULE", "OBJECT",
         "PUBSUB", "SCRIPT", "SLOWLOG", "XGROUP", "XINFO"], StringComparer.Ordinal);

    private static readonly FrozenSet<string> FirstWords = FrozenSet.ToFrozenSet(
        Specs.Keys.Where(k => !k.Contains(' ')).Concat(Containers), StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> SpecLookup =
        Specs.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> FirstWordLookup =
        FirstWords.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> ContainerLookup =
        Containers.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>A command name this table knows (any case), or a container command.</summary>
    public static bool IsKnown(ReadOnlySpan<byte> name)
    {
        Span<char> upper = stackalloc char[32];
        return Upper(name, upper, out var n) && FirstWordLookup.Contains(upper[..n]);
    }

    /// <summary>
    /// Writes req_cmd into <paramref name="cmd"/> and req_args into <paramref name="argsText"/> (both cleared
    /// first) for the command in <paramref name="args"/>; <paramref name="extraReplies"/> is how many replies
    /// beyond the first it gets (SUBSCRIBE a b c: one per channel).
    /// </summary>
    public static void Format(ReadOnlySpan<byte> buf, RedisArgs args, RedisText cmd, RedisText argsText, out int extraReplies)
    {
        cmd.Clear();
        argsText.Clear();
        extraReplies = 0;
        Span<char> key = stackalloc char[66];
        var first = args.Get(buf, 0);
        var keyLen = AppendUpper(cmd, first, key);
        var argStart = 1;
        if (keyLen > 0 && args.Count > 1 && ContainerLookup.Contains(key[..keyLen]))
        {
            var sub = args.Get(buf, 1);
            if (IsWord(sub))
            {
                cmd.Append((byte)' ');
                key[keyLen++] = ' ';
                keyLen += AppendUpper(cmd, sub, key[keyLen..]);
                argStart = 2;
            }
        }

        if (argStart >= args.Count)
        {
            // No arguments: "[]" as Pixie writes for PING, MULTI, FLUSHALL.
            argsText.Append("[]"u8);
            return;
        }

        if (keyLen > 0 && SpecLookup.TryGetValue(key[..keyLen], out var spec) && TryFormatNamed(buf, args, argStart, spec, argsText))
        {
            if (spec.Length == 1 && spec[0] is "*channel" or "*pattern" or "*shardchannel")
            {
                extraReplies = Math.Max(0, args.Total - argStart - 1);
            }

            return;
        }

        argsText.Clear();
        FormatArray(buf, args, argStart, argsText);
    }

    private static bool TryFormatNamed(ReadOnlySpan<byte> buf, RedisArgs args, int pos, string[] spec, RedisText t)
    {
        Span<byte> name = stackalloc byte[32];
        t.Append((byte)'{');
        var any = false;
        foreach (var s in spec)
        {
            var optional = s[0] == '?';
            var list = s[0] == '*';
            var n = System.Text.Encoding.ASCII.GetBytes(optional || list ? s.AsSpan(1) : s, name);
            if (pos >= args.Count)
            {
                if (optional)
                {
                    continue;
                }

                return false;
            }

            if (any)
            {
                t.Append((byte)',');
            }

            any = true;
            t.AppendKey(name[..n]);
            if (list)
            {
                FormatArray(buf, args, pos, t);
                pos = args.Count;
            }
            else
            {
                t.AppendJsonString(args.Get(buf, pos++));
            }
        }

        if (pos < args.Count)
        {
            if (any)
            {
                t.Append((byte)',');
            }

            t.AppendKey("options"u8);
            FormatArray(buf, args, pos, t);
        }

        t.Append((byte)'}');
        return true;
    }

    private static void FormatArray(ReadOnlySpan<byte> buf, RedisArgs args, int from, RedisText t)
    {
        t.Append((byte)'[');
        for (var i = from; i < args.Count; i++)
        {
            if (i > from)
            {
                t.Append((byte)',');
            }

            t.AppendJsonString(args.Get(buf, i));
        }

        t.Append((byte)']');
    }

    /// <summary>Appends <paramref name="word"/> upper-cased to <paramref name="t"/>; fills <paramref name="key"/> when it is a short ASCII word (else returns 0).</summary>
    private static int AppendUpper(RedisText t, ReadOnlySpan<byte> word, Span<char> key)
    {
        var ok = word.Length <= 32 && word.Length <= key.Length;
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            var u = c is >= (byte)'a' and <= (byte)'z' ? (byte)(c - 32) : c;
            t.Append(u);
            if (ok && i < key.Length)
            {
                key[i] = (char)u;
            }

            ok &= c < 0x80;
        }

        return ok ? word.Length : 0;
    }

    private static bool Upper(ReadOnlySpan<byte> word, Span<char> dst, out int n)
    {
        n = word.Length;
        if (word.Length > dst.Length || word.IsEmpty)
        {
            return false;
        }

        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            if (c >= 0x80)
            {
                return false;
            }

            dst[i] = (char)(c is >= (byte)'a' and <= (byte)'z' ? c - 32 : c);
        }

        return true;
    }

    private static bool IsWord(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty || s.Length > 32)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!(c is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'-' or (byte)'_'))
            {
                return false;
            }
        }

        return true;
    }
}
