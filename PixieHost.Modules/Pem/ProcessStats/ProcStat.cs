using System.Buffers.Text;

namespace PixieHost.Modules.Pem.ProcessStats;

/// <summary>The fields of <c>/proc/PID/stat</c> and <c>/proc/PID/io</c> that process_stats reports.</summary>
public struct ProcStat
{
    public long MinorFaults;
    public long MajorFaults;
    public long UtimeTicks;
    public long StimeTicks;
    public long NumThreads;
    public ulong StartTimeTicks;
    public long VsizeBytes;
    public long RssPages;
    public long RcharBytes;
    public long WcharBytes;
    public long ReadBytes;
    public long WriteBytes;

    /// <summary>
    /// Parses the contents of /proc/PID/stat. The command name (field 2) is in parentheses and may itself hold
    /// spaces and ')' characters, so fields are counted from the last ')'.
    /// </summary>
    public static bool TryParseStat(ReadOnlySpan<byte> text, out ProcStat stat)
    {
        stat = default;
        var close = text.LastIndexOf((byte)')');
        if (close < 0 || close + 2 >= text.Length)
        {
            return false;
        }

        // After ")" come fields 3 (state) onwards, space separated.
        var rest = text[(close + 2)..];
        var field = 3;
        while (!rest.IsEmpty && field <= 24)
        {
            var sp = rest.IndexOf((byte)' ');
            var token = sp < 0 ? rest : rest[..sp];
            switch (field)
            {
                case 10: _ = Utf8Parser.TryParse(token, out stat.MinorFaults, out _); break;
                case 12: _ = Utf8Parser.TryParse(token, out stat.MajorFaults, out _); break;
                case 14: _ = Utf8Parser.TryParse(token, out stat.UtimeTicks, out _); break;
                case 15: _ = Utf8Parser.TryParse(token, out stat.StimeTicks, out _); break;
                case 20: _ = Utf8Parser.TryParse(token, out stat.NumThreads, out _); break;
                case 22: _ = Utf8Parser.TryParse(token, out stat.StartTimeTicks, out _); break;
                case 23: _ = Utf8Parser.TryParse(token, out stat.VsizeBytes, out _); break;
                case 24: _ = Utf8Parser.TryParse(token, out stat.RssPages, out _); break;
            }

            if (sp < 0)
            {
                break;
            }

            rest = rest[(sp + 1)..];
            field++;
        }

        return field >= 24;
    }

    /// <summary>Parses /proc/PID/io ("rchar: N" lines) into the I/O fields; unreadable io (other users' processes) leaves zeros.</summary>
    public static void ParseIo(ReadOnlySpan<byte> text, ref ProcStat stat)
    {
        while (!text.IsEmpty)
        {
            var nl = text.IndexOf((byte)'\n');
            var line = nl < 0 ? text : text[..nl];
            var colon = line.IndexOf((byte)':');
            if (colon > 0)
            {
                var key = line[..colon];
                var value = line[(colon + 1)..].Trim((byte)' ');
                _ = Utf8Parser.TryParse(value, out long n, out _);
                if (key.SequenceEqual("rchar"u8))
                {
                    stat.RcharBytes = n;
                }
                else if (key.SequenceEqual("wchar"u8))
                {
                    stat.WcharBytes = n;
                }
                else if (key.SequenceEqual("read_bytes"u8))
                {
                    stat.ReadBytes = n;
                }
                else if (key.SequenceEqual("write_bytes"u8))
                {
                    stat.WriteBytes = n;
                }
            }

            if (nl < 0)
            {
                break;
            }

            text = text[(nl + 1)..];
        }
    }
}
