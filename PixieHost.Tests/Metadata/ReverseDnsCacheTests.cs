using System.Diagnostics;
using System.Net;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Metadata;

namespace PixieHost.Tests.Metadata;

[TestFixture]
public class ReverseDnsCacheTests
{
    [Test]
    public void Lookup_SlowResolver_AnswersTheIpWithinTheDeadlineThenTheName()
    {
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        var cache = new ReverseDnsCache(TimeSpan.FromMinutes(5), TimeProvider.System, _ =>
        {
            Interlocked.Increment(ref calls);
            return gate.Task;
        });

        var watch = Stopwatch.StartNew();
        cache.Lookup("10.1.2.3", DateTimeOffset.UtcNow.AddMilliseconds(30)).Should().Be("10.1.2.3");
        watch.ElapsedMilliseconds.Should().BeLessThan(1000);

        gate.SetResult("svc.example");
        cache.Lookup("10.1.2.3", DateTimeOffset.UtcNow.AddMilliseconds(500)).Should().Be("svc.example");
        calls.Should().Be(1, "the lookup in flight is reused and its answer cached");
    }

    [Test]
    public void Lookup_ManyUnresolvedIps_WaitsOnceForTheBatch()
    {
        var never = new TaskCompletionSource<string>();
        var cache = new ReverseDnsCache(TimeSpan.FromMinutes(5), TimeProvider.System, _ => never.Task);
        var ips = Enumerable.Range(1, 40).Select(i => $"10.9.0.{i}").ToArray();

        var watch = Stopwatch.StartNew();
        var names = cache.Lookup(ips, DateTimeOffset.UtcNow.AddMilliseconds(50));

        watch.ElapsedMilliseconds.Should().BeLessThan(40 * 50 / 4, "one bounded wait for all, not one per IP");
        names.Should().Equal(ips);
    }

    [Test]
    public void Lookup_FailureOrNotAnIp_AnswersTheInput()
    {
        var cache = new ReverseDnsCache(TimeSpan.FromMinutes(5), TimeProvider.System,
            _ => Task.FromException<string>(new System.Net.Sockets.SocketException()));

        cache.Lookup("10.1.2.3", DateTimeOffset.UtcNow.AddSeconds(1)).Should().Be("10.1.2.3");
        cache.Lookup("not-an-ip", DateTimeOffset.UtcNow.AddSeconds(1)).Should().Be("not-an-ip");
    }

    [Test]
    public void Lookup_Loopback_SystemResolverNamesIt()
    {
        var cache = new ReverseDnsCache(TimeSpan.FromMinutes(5), TimeProvider.System);

        var name = cache.Lookup("127.0.0.1", DateTimeOffset.UtcNow.AddSeconds(5));

        name.Should().Be(Dns.GetHostEntry(IPAddress.Loopback).HostName);
    }
}
