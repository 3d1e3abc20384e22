using System.Net;

namespace PixieHost.Modules.Hosting;

/// <summary>Parses "host:port" settings ("127.0.0.1:50300", "0.0.0.0:50300", "[::1]:50300", ":50300").</summary>
public static class ListenAddress
{
    public static IPEndPoint Parse(string value, string setting)
    {
        var text = value.Trim();
        if (text.StartsWith(':'))
        {
            text = "0.0.0.0" + text;
        }

        if (IPEndPoint.TryParse(text, out var ep) && ep.Port != 0)
        {
            return ep;
        }

        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) && int.TryParse(text.AsSpan(10), out var port))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        throw new FormatException($"{setting} = '{value}' is not an address. Write it as host:port, e.g. 127.0.0.1:50300 or 0.0.0.0:50300.");
    }
}
