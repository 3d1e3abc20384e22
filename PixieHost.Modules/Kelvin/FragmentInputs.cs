using System.Threading.Channels;
using PixieHost.Modules.Pxl.Distributed;
using PixieHost.Modules.Pxl.Physical;
using PixieHost.Modules.TableStore;

namespace PixieHost.Modules.Kelvin;

/// <summary>
/// One bounded channel per node fragment, written by every pem's stream of that fragment and read by the fragment's
/// <see cref="RemoteSourceExec"/>. A fragment's channel completes when the last pem's stream has ended or failed.
/// Bounded, so a pem whose rows are not read yet waits (HTTP/2 flow control pushes back to it) instead of piling up.
/// </summary>
public sealed class FragmentInputs : IRemoteInputs
{
    private readonly Dictionary<int, Channel<RowBatch>> _channels = [];
    private readonly Dictionary<int, int> _pending = [];
    private readonly object _gate = new();

    public FragmentInputs(IEnumerable<PlanFragment> fragments, int writersPerFragment, int capacity = 8)
    {
        foreach (var f in fragments)
        {
            var channel = Channel.CreateBounded<RowBatch>(new BoundedChannelOptions(capacity) { SingleReader = true });
            _channels[f.Id] = channel;
            _pending[f.Id] = writersPerFragment;
            if (writersPerFragment == 0)
            {
                channel.Writer.TryComplete();
            }
        }
    }

    public ValueTask WriteAsync(int fragmentId, RowBatch batch, CancellationToken cancellationToken) =>
        _channels[fragmentId].Writer.WriteAsync(batch, cancellationToken);

    /// <summary>One writer of <paramref name="fragmentId"/> is done (ended, failed or cancelled).</summary>
    public void WriterDone(int fragmentId)
    {
        lock (_gate)
        {
            if (--_pending[fragmentId] == 0)
            {
                _channels[fragmentId].Writer.TryComplete();
            }
        }
    }

    public IEnumerable<RowBatch> Read(int fragmentId, CancellationToken cancellationToken)
    {
        if (!_channels.TryGetValue(fragmentId, out var channel))
        {
            throw new InvalidOperationException($"The plan reads fragment {fragmentId}, which no node runs.");
        }

        var reader = channel.Reader;
        while (true)
        {
            while (reader.TryRead(out var batch))
            {
                yield return batch;
            }

            // Called on the cluster plan's own thread (see BatchPump): blocking until the next batch is intended.
            if (!reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
            {
                yield break;
            }
        }
    }
}
