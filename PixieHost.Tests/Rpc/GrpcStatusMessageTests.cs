using FluentAssertions;
using NUnit.Framework;
using PixieHost.Modules.Rpc;

namespace PixieHost.Tests.Rpc;

[TestFixture]
public sealed class GrpcStatusMessageTests
{
    [TestCase("plain text: ok", "plain text: ok")]
    [TestCase("100%", "100%25")]
    [TestCase("a\nb", "a%0Ab")]
    [TestCase("é", "%C3%A9")]
    public void Encode_Text_OnlyOutsidePrintableAsciiAndPercentEscaped(string text, string expected) =>
        GrpcStatusMessage.Encode(text).Should().Be(expected);

    [TestCase("no pod 'ä' (100%)\nnext")]
    [TestCase("")]
    public void Decode_Encoded_RoundTrips(string text) =>
        GrpcStatusMessage.Decode(GrpcStatusMessage.Encode(text)).Should().Be(text);

    [Test]
    public void Decode_MalformedEscape_KeptAsIs() =>
        GrpcStatusMessage.Decode("50%zz").Should().Be("50%zz");
}
