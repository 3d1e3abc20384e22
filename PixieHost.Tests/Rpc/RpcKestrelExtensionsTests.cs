using System.Net;
using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Rpc;

namespace PixieHost.Tests.Rpc;

[TestFixture]
public sealed class RpcKestrelExtensionsTests
{
    [TestCase("127.0.0.1:50300", "127.0.0.1", 50300)]
    [TestCase("0.0.0.0:1", "0.0.0.0", 1)]
    [TestCase("[::1]:50300", "::1", 50300)]
    [TestCase("localhost:8080", "127.0.0.1", 8080)]
    public void ParseEndpoint_HostPort_Parsed(string text, string ip, int port) =>
        RpcKestrelExtensions.ParseEndpoint(text).Should().Be(new IPEndPoint(IPAddress.Parse(ip), port));

    [TestCase("50300")]
    [TestCase("pixie:50300")]
    [TestCase("127.0.0.1")]
    public void ParseEndpoint_NotIpPort_FormatExceptionWithExample(string text) =>
        FluentActions.Invoking(() => RpcKestrelExtensions.ParseEndpoint(text))
            .Should().Throw<FormatException>().WithMessage($"*'{text}'*127.0.0.1:50300*");
}
