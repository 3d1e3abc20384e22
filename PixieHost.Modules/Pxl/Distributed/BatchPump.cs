using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace PixieHost.Modules.Pxl.Distributed;

/// <summary>
/// Runs a synchronous, CPU-bound producer (operators pull batches and may block on remote inputs) on its own thread
/// and hands its items to an async consumer through a small bounded channel, so a slow network write slows the
/// producer instead of buffering its output.
/// </summary>
public static class BatchPump
{
    public static async IAsyncEnumerable<T> RunAsync<T>(
        Func<CancellationToken, IEnumerable<T>> produce, int capacity = 4, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        var producer = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    foreach (var item in produce(cts.Token))
                    {
                        // Blocking here is fine: this is the producer's own thread.
                        if (!channel.Writer.TryWrite(item))
                        {
                            channel.Writer.WriteAsync(item, cts.Token).AsTask().GetAwaiter().GetResult();
                        }
                    }

                    channel.Writer.TryComplete();
                }
                catch (Exception e)
                {
                    channel.Writer.TryComplete(e);
                }
            },
            cts.Token,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
        finally
        {
            // The consumer stopped early (or failed): stop the producer and wait for it to let go of its inputs.
            cts.Cancel();
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
