using System.Collections.Concurrent;
using PixieHost.Modules.Rpc.Client;

namespace PixieHost.Modules.Kelvin;

/// <summary>One <see cref="RpcChannel"/> per peer address ("host:port" or a URI), shared by every query.</summary>
public sealed class RpcChannelPool : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<RpcChannel>> _channels = new(StringComparer.Ordinal);

    public RpcChannel Get(string address) =>
        _channels.GetOrAdd(address, a => new Lazy<RpcChannel>(() => new RpcChannel(ToUri(a)))).Value;

    public static Uri ToUri(string address) =>
        address.Contains("://", StringComparison.Ordinal) ? new Uri(address) : new Uri("http://" + address);

    public void Dispose()
    {
        foreach (var c in _channels.Values)
        {
            if (c.IsValueCreated)
            {
                c.Value.Dispose();
            }
        }
    }
}
