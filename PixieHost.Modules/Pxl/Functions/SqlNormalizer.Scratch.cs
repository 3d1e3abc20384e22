using System.Buffers;

namespace PixieHost.Modules.Pxl.Functions;

public static partial class SqlNormalizer
{
    /// <summary>Reused buffers for one batch: the normalized query and the unescaped literals.</summary>
    public sealed class Scratch
    {
        private readonly ArrayBufferWriter<byte> _params = new(256);
        private (int Start, int Length)[] _ranges = new (int, int)[16];

        public ArrayBufferWriter<byte> Query { get; } = new(256);

        public int ParamCount { get; private set; }

        /// <summary>The number of the first new Postgres placeholder.</summary>
        public int FirstNumber { get; set; } = 1;

        public ReadOnlySpan<byte> Param(int i) => _params.WrittenSpan.Slice(_ranges[i].Start, _ranges[i].Length);

        public void Reset()
        {
            Query.ResetWrittenCount();
            _params.ResetWrittenCount();
            ParamCount = 0;
        }

        public void Write(ReadOnlySpan<byte> bytes) => Query.Write(bytes);

        /// <summary>Drops the last <paramref name="count"/> bytes of the query (ArrayBufferWriter cannot, so rewrite).</summary>
        public void Unwrite(int count)
        {
            var keep = Query.WrittenCount - count;
            Span<byte> tmp = keep <= 1024 ? stackalloc byte[keep] : new byte[keep];
            Query.WrittenSpan[..keep].CopyTo(tmp);
            Query.ResetWrittenCount();
            Query.Write(tmp);
        }

        /// <summary>Adds a literal; <paramref name="unescape"/> is the quote whose doubling to undo, 2 for backslash escapes too, 0 for none.</summary>
        public void AddParam(ReadOnlySpan<byte> literal, byte unescape)
        {
            if (ParamCount == _ranges.Length)
            {
                Array.Resize(ref _ranges, _ranges.Length * 2);
            }

            var start = _params.WrittenCount;
            var dst = _params.GetSpan(literal.Length);
            var n = 0;
            for (var i = 0; i < literal.Length; i++)
            {
                var b = literal[i];
                if (unescape == 2 && b == '\\' && i + 1 < literal.Length)
                {
                    b = literal[++i] switch { (byte)'n' => (byte)'\n', (byte)'t' => (byte)'\t', (byte)'r' => (byte)'\r', (byte)'0' => 0, var x => x };
                }
                else if (unescape != 0 && (b == '\'' || b == '"') && i + 1 < literal.Length && literal[i + 1] == b)
                {
                    i++;
                }

                dst[n++] = b;
            }

            _params.Advance(n);
            _ranges[ParamCount++] = (start, n);
        }
    }
}
