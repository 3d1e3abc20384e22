using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Metadata;

namespace PixieHost.Tests.Metadata;

[TestFixture]
public class FibTrieTests
{
    private const string ContainerTrie = """
        Main:
          +-- 0.0.0.0/0 3 0 5
             |-- 0.0.0.0
                /0 universe UNICAST
             +-- 127.0.0.0/8 2 0 2
                +-- 127.0.0.0/31 1 0 0
                   |-- 127.0.0.0
                      /8 host LOCAL
                   |-- 127.0.0.1
                      /32 host LOCAL
                |-- 127.255.255.255
                   /32 link BROADCAST
             +-- 172.17.0.0/16 2 0 2
                +-- 172.17.0.0/30 2 0 2
                   |-- 172.17.0.0
                      /16 link UNICAST
                   |-- 172.17.0.2
                      /32 host LOCAL
                |-- 172.17.255.255
                   /32 link BROADCAST
        Local:
          +-- 0.0.0.0/0 3 0 5
                   |-- 172.17.0.2
                      /32 host LOCAL
        """;

    [Test]
    public void LocalAddresses_ContainerNamespace_ReturnsItsAddressOnceWithoutLoopbackOrBroadcast() =>
        FibTrie.LocalAddresses(ContainerTrie).Should().Equal("172.17.0.2");

    [Test]
    public void LocalAddresses_ThisProcess_AreAddressesOfThisHost()
    {
        var host = HostAddresses.Read();

        FibTrie.LocalAddresses(File.ReadAllText("/proc/self/net/fib_trie")).Should().OnlyContain(a => host.IsLocal(a));
    }
}
