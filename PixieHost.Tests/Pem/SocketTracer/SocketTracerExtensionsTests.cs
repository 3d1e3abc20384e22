using FluentAssertions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using PixieHost.Modules.Pem.Ebpf;
using PixieHost.Modules.Pem.SocketTracer;
using PixieHost.Modules.TableStore;
using Tracer = PixieHost.Modules.Pem.SocketTracer.SocketTracer;

namespace PixieHost.Tests.Pem.SocketTracer;

[TestFixture]
public class SocketTracerExtensionsTests
{
    [Test]
    public void AddSocketTracer_WithTableStore_SinkIsTheTracerAndOptionsBound()
    {
        using var sp = Build(new() { ["Pem:SocketTracer:Asid"] = "7", ["Pem:SocketTracer:MaxBodyBytes"] = "256" });

        var tracer = sp.GetRequiredService<Tracer>();

        sp.GetRequiredService<ISocketEventSink>().Should().BeSameAs(tracer);
        var o = sp.GetRequiredService<IOptions<SocketTracerOptions>>().Value;
        o.Asid.Should().Be(7);
        o.MaxBodyBytes.Should().Be(256);
    }

    [Test]
    public void AddSocketTracer_NegativeExpiry_ValidationNamesTheSetting()
    {
        using var sp = Build(new() { ["Pem:SocketTracer:MessageExpiry"] = "-00:00:01" });

        var act = () => sp.GetRequiredService<IOptions<SocketTracerOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().WithMessage("*Pem:SocketTracer:MessageExpiry*positive*");
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton(new TableStore());
        services.AddLogging();
        services.AddSocketTracer();
        return services.BuildServiceProvider();
    }
}
