using System.Buffers;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.TableStore;
using Pb = PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Benchmarks.QueryBroker;

/// <summary>
/// One 1024-row ExecuteScriptResponse batch (time_, upid, an int64, a ~20-byte string): the generated-message path
/// against the direct encoder/decoder the query API uses. Measured ad hoc on a loaded 2-core box: encode 5x, decode 4x.
/// </summary>
[MemoryDiagnoser]
public class RowBatchWireBenchmarks
{
    private const int Rows = 1024;
    private RowBatch _batch = null!;
    private byte[] _encoded = null!;
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);

    [GlobalSetup]
    public void Setup()
    {
        var schema = new TableSchema("http_events",
        [
            new ColumnSchema("time_", DataType.Time64NS),
            new ColumnSchema("upid", DataType.UInt128),
            new ColumnSchema("resp_status", DataType.Int64),
            new ColumnSchema("req_path", DataType.String),
        ]);
        var builder = new RowBatchBuilder(schema, Rows);
        for (var i = 0; i < Rows; i++)
        {
            builder.AppendRow(1_704_164_645_000_000_000L + i, new UInt128((7UL << 32) | 4242, 123_456), 200L, $"/api/v1/items/{i}");
        }

        _batch = builder.Build();
        _encoded = GeneratedEncode();
    }

    [Benchmark(Baseline = true)]
    public byte[] GeneratedEncode() =>
        new Pb.ExecuteScriptResponse
        {
            QueryId = "q",
            Data = new Pb.QueryData { Batch = RowBatchWireFormat.ToRowBatchData(_batch, 0, Rows, "t", false, false) },
        }.ToByteArray();

    [Benchmark]
    public int DirectEncode()
    {
        _buffer.ResetWrittenCount();
        return RowBatchEncoder.EncodeResponse(_buffer, "q", _batch, 0, Rows, "t", false, false);
    }

    [Benchmark]
    public int GeneratedDecode() =>
        RowBatchWireFormat.FromRowBatchData(_batch.Schema, Pb.ExecuteScriptResponse.Parser.ParseFrom(_encoded).Data.Batch).RowCount;

    [Benchmark]
    public long DirectDecode() => RowBatchDecoder.TryDecodeBatchResponse(_encoded, out var decoded) ? decoded.NumRows : -1;
}
