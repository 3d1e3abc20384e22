using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Rpc;

namespace PixieHost.Tests.Rpc;

[TestFixture]
public sealed class GrpcTimeoutTests
{
    [TestCase("300m", 300_000)]
    [TestCase("1S", 1_000_000)]
    [TestCase("2M", 120_000_000)]
    [TestCase("1H", 3_600_000_000)]
    [TestCase("1500u", 1_500)]
    [TestCase("2000n", 2)]
    public void TryParse_ValidValue_MicrosecondsMatch(string value, long micros)
    {
        GrpcTimeout.TryParse(value, out var timeout).Should().BeTrue();
        ((long)timeout.TotalMicroseconds).Should().Be(micros);
    }

    [TestCase("")]
    [TestCase("m")]
    [TestCase("10x")]
    [TestCase("1-0m")]
    [TestCase("123456789m")]
    public void TryParse_MalformedValue_False(string value) =>
        GrpcTimeout.TryParse(value, out _).Should().BeFalse();

    [TestCase(300, "300m")]
    [TestCase(0.5, "500u")]
    [TestCase(200_000_000, "200000S")]
    public void Format_Milliseconds_ShortestUnit(double millis, string expected) =>
        GrpcTimeout.Format(TimeSpan.FromMilliseconds(millis)).Should().Be(expected);

    [Test]
    public void Format_ThenParse_NeverShorter()
    {
        var original = TimeSpan.FromTicks(123_456_789_012);
        GrpcTimeout.TryParse(GrpcTimeout.Format(original), out var parsed).Should().BeTrue();
        parsed.Should().BeGreaterThanOrEqualTo(original);
    }
}
