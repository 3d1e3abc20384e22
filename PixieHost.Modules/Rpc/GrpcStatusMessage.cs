using System.Text;

namespace PixieHost.Modules.Rpc;

/// <summary>
/// Percent-encoding of <c>grpc-message</c> as the gRPC spec defines it: UTF-8, and only bytes outside
/// 0x20-0x7E plus '%' itself are escaped (<c>Uri.EscapeDataString</c> escapes more and grpc-js then shows the escapes).
/// </summary>
#if PIXIE_CLIENT_SDK
internal static class GrpcStatusMessage
#else
public static class GrpcStatusMessage
#endif
{
    public static string Encode(string message)
    {
        var needs = false;
        foreach (var c in message)
        {
            if (c is < ' ' or > '~' or '%')
            {
                needs = true;
                break;
            }
        }

        if (!needs)
        {
            return message;
        }

        var sb = new StringBuilder(message.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is < 0x20 or > 0x7E or (byte)'%')
            {
                sb.Append('%').Append(b.ToString("X2"));
            }
            else
            {
                sb.Append((char)b);
            }
        }

        return sb.ToString();
    }

    /// <summary>Decodes %XX escapes; a malformed escape is kept as is (the spec asks receivers not to fail).</summary>
    public static string Decode(string? value)
    {
        if (string.IsNullOrEmpty(value) || !value.Contains('%'))
        {
            return value ?? string.Empty;
        }

        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length
                && byte.TryParse(value.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
