using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;

namespace PixieHost.Tests.Pem.Protocols.Pgsql;

/// <summary>
/// Recorded PostgreSQL connections saved as a corpus file: per connection a count of chunks, per chunk a direction
/// byte (1 = from the client), an int32 length and the bytes. Written by the end-to-end tests when
/// PIXIE_WRITE_PGSQL_CORPUS=1, read by the parser and fuzz tests.
/// </summary>
public static class PgsqlCorpus
{
    public static string Path([CallerFilePath] string source = "") =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(source)!, "Corpus", "pgsql.bin");

    public static void Append(string name, Support.RecordedConnection conn)
    {
        if (Environment.GetEnvironmentVariable("PIXIE_WRITE_PGSQL_CORPUS") != "1")
        {
            return;
        }

        var chunks = conn.Chunks;
        using var f = new FileStream(Path(), FileMode.Append);
        var head = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(head, chunks.Count);
        f.Write(head);
        foreach (var c in chunks)
        {
            f.WriteByte(c.FromClient ? (byte)1 : (byte)0);
            BinaryPrimitives.WriteInt32BigEndian(head, c.Bytes.Length);
            f.Write(head);
            f.Write(c.Bytes);
        }

        _ = name;
    }

    /// <summary>Every connection of the corpus, as (from client, bytes) chunks.</summary>
    public static List<List<(bool FromClient, byte[] Bytes)>> Load()
    {
        var data = File.ReadAllBytes(Path());
        var conns = new List<List<(bool, byte[])>>();
        var pos = 0;
        while (pos + 4 <= data.Length)
        {
            var n = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(pos));
            pos += 4;
            var chunks = new List<(bool, byte[])>(n);
            for (var i = 0; i < n; i++)
            {
                var fromClient = data[pos] == 1;
                var len = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(pos + 1));
                chunks.Add((fromClient, data.AsSpan(pos + 5, len).ToArray()));
                pos += 5 + len;
            }

            conns.Add(chunks);
        }

        return conns;
    }

    /// <summary>A corpus connection as a <see cref="Support.RecordedConnection"/> for replay (timestamps taken now, in order).</summary>
    public static Support.RecordedConnection ToRecorded(List<(bool FromClient, byte[] Bytes)> chunks)
    {
        var rec = new Support.RecordedConnection(IPEndPoint.Parse("127.0.0.1:40000"), IPEndPoint.Parse("127.0.0.1:5432"));
        foreach (var (fromClient, bytes) in chunks)
        {
            rec.Add(fromClient, bytes);
        }

        return rec;
    }
}
