using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using PixieHost.Modules.Rpc;
using PixieHost.Modules.Rpc.Client;

namespace PixieHost.Modules.Kelvin;

/// <summary>
/// One <see cref="RpcChannel"/> per peer address ("host:port" or a URI), shared by every query; TLS as
/// <c>Rpc:Tls</c> says (<see cref="RpcTlsOptions"/>).
/// </summary>
public sealed class RpcChannelPool(IConfiguration? configuration = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<RpcChannel>> _channels = new(StringComparer.Ordinal);
    private readonly RpcTlsOptions _tls = RpcTlsOptions.From(configuration);

    public RpcChannel Get(string address) =>
        _channels.GetOrAdd(address, a => new Lazy<RpcChannel>(() => _tls.CreateChannel(a))).Value;

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
