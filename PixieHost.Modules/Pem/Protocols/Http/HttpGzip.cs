using System.IO.Compression;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Pem.Protocols.Http;

/// <summary>
/// Inflates gzip response bodies before they are stored, like Pixie (which writes "&lt;Stirling failed to
/// gunzip body&gt;" when it cannot). Only the kept body prefix (1 KiB) is available, so a long body inflates
/// partly and is marked truncated. Cold path: gzip is rare on the service-to-service traffic Pixie targets.
/// </summary>
public static class HttpGzip
{
    public static ReadOnlySpan<byte> FailedPlaceholder => "<Stirling failed to gunzip body>"u8;

    public static void AppendInflated(StringColumnBuilder col, HttpFrame frame, int maxBytes)
    {
        var dst = col.BeginAppend(Math.Max(maxBytes, FailedPlaceholder.Length) + HttpEventsWriter.TruncatedSuffix.Length + 1);
        var n = Inflate(frame.BodySpan, dst[..(maxBytes + 1)]);
        if (n < 0)
        {
            FailedPlaceholder.CopyTo(dst);
            col.CommitWritten(FailedPlaceholder.Length);
            return;
        }

        // Over the limit, or cut short because only a prefix of the compressed body was kept.
        if (n > maxBytes || frame.BodyKept < frame.BodySize)
        {
            n = Math.Min(n, maxBytes);
            HttpEventsWriter.TruncatedSuffix.CopyTo(dst[n..]);
            n += HttpEventsWriter.TruncatedSuffix.Length;
        }

        col.CommitWritten(n);
    }

    /// <summary>Inflates into <paramref name="dst"/> until it is full or the data ends; -1 when nothing inflates.</summary>
    private static unsafe int Inflate(ReadOnlySpan<byte> gz, Span<byte> dst)
    {
        var total = 0;
        fixed (byte* p = gz)
        {
            try
            {
                using var input = new UnmanagedMemoryStream(p, gz.Length);
                using var z = new GZipStream(input, CompressionMode.Decompress);
                while (total < dst.Length)
                {
                    var read = z.Read(dst[total..]);
                    if (read == 0)
                    {
                        break;
                    }

                    total += read;
                }
            }
            catch (InvalidDataException)
            {
                return total > 0 ? total : -1;
            }
        }

        return total;
    }
}
