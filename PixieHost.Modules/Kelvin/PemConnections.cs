using System.Buffers;
using System.Runtime.CompilerServices;
using PixieHost.Modules.Pxl;
using PixieHost.Modules.Pxl.Distributed;
using PixieHost.Modules.Pxl.Physical;
using PixieHost.Modules.QueryBroker;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.Client;
using PixieHost.Modules.Rpc.Plan;
using PixieHost.Modules.Rpc.VizierApi;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Kelvin;

/// <summary>Volume the pems report for their fragments (QueryExecutionStats bytes and records processed).</summary>
public sealed class FragmentCounters
{
    private long _bytes;
    private long _records;

    public long BytesProcessed => Interlocked.Read(ref _bytes);

    public long RecordsProcessed => Interlocked.Read(ref _records);

    public void Add(long bytes, long records)
    {
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Add(ref _records, records);
    }
}

/// <summary>One pem as the kelvin sees it: where node fragments run.</summary>
public interface IPemConnection
{
    /// <summary>How warnings name it, e.g. "pem 3 (node-a, 10.0.0.5:50500)".</summary>
    string Name { get; }

    /// <summary>Its RPC address as registered with the metadata service ("in-process" for the local pem).</summary>
    string Address { get; }

    /// <summary>Runs <paramref name="fragment"/> on the pem and streams its output batches.</summary>
    IAsyncEnumerable<RowBatch> ExecuteAsync(string queryId, PlanFragment fragment, long nowNs, FragmentCounters counters, CancellationToken cancellationToken);
}

/// <summary>The pem of this process (standalone): the fragment runs on the local table store, no serialization.</summary>
public sealed class LocalPemConnection(QueryExecutor engine, string name) : IPemConnection
{
    public string Name { get; } = name;

    public string Address => "in-process";

    public IAsyncEnumerable<RowBatch> ExecuteAsync(string queryId, PlanFragment fragment, long nowNs, FragmentCounters counters, CancellationToken cancellationToken) =>
        BatchPump.RunAsync(token => Run(fragment, counters, token), cancellationToken: cancellationToken);

    private IEnumerable<RowBatch> Run(PlanFragment fragment, FragmentCounters counters, CancellationToken token)
    {
        var context = new ExecContext(engine.Store, token);
        try
        {
            foreach (var batch in QueryExecutor.ExecuteFragment(fragment, context))
            {
                yield return batch;
            }
        }
        finally
        {
            counters.Add(context.BytesProcessed, context.RecordsProcessed);
        }
    }
}

/// <summary>
/// A pem in another process: <c>px.internal.PemService/ExecuteFragment</c>, batches decoded straight into columns.
/// A failed or reset stream surfaces as an exception; the cluster executor turns it into a warning naming the pem.
/// </summary>
public sealed class RemotePemConnection(string name, string address, RpcChannel channel, TimeSpan? timeout) : IPemConnection
{
    public string Name { get; } = name;

    public string Address { get; } = address;

    public async IAsyncEnumerable<RowBatch> ExecuteAsync(
        string queryId, PlanFragment fragment, long nowNs, FragmentCounters counters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var schema = new TableSchema($"fragment{fragment.Id}", fragment.Root.Schema.ToArray());
        var request = new ExecuteFragmentRequest { QueryId = queryId, Fragment = PlanCodec.Encode(fragment), NowNs = nowNs };
        var options = new RpcCallOptions { Timeout = timeout };
        await foreach (var message in channel.ServerStreamingSerializedAsync(InternalMethods.ExecuteFragment, request, options, cancellationToken).ConfigureAwait(false))
        {
            if (TryDecode(message, schema, counters) is { } batch)
            {
                yield return batch;
            }
        }
    }

    private static RowBatch? TryDecode(ReadOnlySequence<byte> message, TableSchema schema, FragmentCounters counters)
    {
        var bytes = message.IsSingleSegment ? message.First : message.ToArray();
        if (RowBatchDecoder.TryDecodeBatchResponse(bytes.Span, out var decoded))
        {
            var batch = decoded.ToRowBatch(schema);
            return batch.RowCount == 0 ? null : batch;
        }

        var response = ExecuteScriptResponse.Parser.ParseFrom(bytes.Span);
        if (response.Status is { Code: not 0 } status)
        {
            throw new RpcException((StatusCode)status.Code, status.Message);
        }

        if (response.Data?.ExecutionStats is { } stats)
        {
            counters.Add(stats.BytesProcessed, stats.RecordsProcessed);
        }

        return null;
    }
}
