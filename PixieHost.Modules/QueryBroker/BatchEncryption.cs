using System.Buffers.Text;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pb = PixieHost.Modules.Rpc.VizierApi;

namespace PixieHost.Modules.QueryBroker;

/// <summary>
/// Pixie's end-to-end encryption of result batches: each serialized <c>RowBatchData</c> becomes a JWE in compact
/// serialization (<c>data.encrypted_batch</c>) for the client's public JWK. Supported: key algorithm RSA-OAEP-256,
/// content algorithm A256GCM, compression DEF (raw DEFLATE) or none: what Pixie's CLI asks for.
/// </summary>
public sealed class BatchEncryption : IDisposable
{
    private readonly RSA _publicKey;
    private readonly bool _deflate;
    private readonly byte[] _protectedHeader;

    private BatchEncryption(RSA publicKey, bool deflate, string? keyId)
    {
        _publicKey = publicKey;
        _deflate = deflate;
        var header = new Dictionary<string, string> { ["alg"] = "RSA-OAEP-256", ["enc"] = "A256GCM" };
        if (deflate)
        {
            header["zip"] = "DEF";
        }

        if (!string.IsNullOrEmpty(keyId))
        {
            header["kid"] = keyId;
        }

        _protectedHeader = Encoding.ASCII.GetBytes(Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(header)));
    }

    /// <summary>Checks the requested algorithms and reads the JWK; <paramref name="error"/> says what to change otherwise.</summary>
    public static bool TryCreate(Pb.ExecuteScriptRequest.Types.EncryptionOptions options, out BatchEncryption? encryption, out string error)
    {
        encryption = null;
        error = string.Empty;
        if (options.KeyAlg != "RSA-OAEP-256" || options.ContentAlg != "A256GCM" || options.CompressionAlg is not ("" or "DEF"))
        {
            error = $"Unsupported encryption (key_alg '{options.KeyAlg}', content_alg '{options.ContentAlg}', compression_alg '{options.CompressionAlg}'); "
                + "use RSA-OAEP-256, A256GCM and DEF or no compression.";
            return false;
        }

        try
        {
            using var jwk = JsonDocument.Parse(options.JwkKey);
            var root = jwk.RootElement;
            if (root.GetProperty("kty").GetString() != "RSA")
            {
                error = "jwk_key must be an RSA public key (kty RSA).";
                return false;
            }

            var rsa = RSA.Create();
            rsa.ImportParameters(new RSAParameters
            {
                Modulus = Base64Url.DecodeFromChars(root.GetProperty("n").GetString()),
                Exponent = Base64Url.DecodeFromChars(root.GetProperty("e").GetString()),
            });
            var kid = root.TryGetProperty("kid", out var k) ? k.GetString() : null;
            encryption = new BatchEncryption(rsa, options.CompressionAlg == "DEF", kid);
            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or CryptographicException or InvalidOperationException)
        {
            error = $"jwk_key is not a usable RSA JWK: {e.Message}";
            return false;
        }
    }

    /// <summary>JWE compact serialization of <paramref name="plaintext"/>: header.key.iv.ciphertext.tag, base64url each.</summary>
    public byte[] Encrypt(ReadOnlySpan<byte> plaintext)
    {
        Span<byte> cek = stackalloc byte[32];
        Span<byte> iv = stackalloc byte[12];
        Span<byte> tag = stackalloc byte[16];
        RandomNumberGenerator.Fill(cek);
        RandomNumberGenerator.Fill(iv);
        var encryptedKey = _publicKey.Encrypt(cek.ToArray(), RSAEncryptionPadding.OaepSHA256);
        var data = _deflate ? Deflate(plaintext) : plaintext.ToArray();
        var ciphertext = new byte[data.Length];
        using (var aes = new AesGcm(cek, 16))
        {
            aes.Encrypt(iv, data, ciphertext, tag, _protectedHeader);
        }

        CryptographicOperations.ZeroMemory(cek);
        var text = $"{Encoding.ASCII.GetString(_protectedHeader)}.{Base64Url.EncodeToString(encryptedKey)}.{Base64Url.EncodeToString(iv)}"
            + $".{Base64Url.EncodeToString(ciphertext)}.{Base64Url.EncodeToString(tag)}";
        return Encoding.ASCII.GetBytes(text);
    }

    /// <summary>The client side: decrypts a compact JWE made by <see cref="Encrypt"/> with the matching private key.</summary>
    public static byte[] Decrypt(RSA privateKey, ReadOnlySpan<byte> jwe)
    {
        var parts = Encoding.ASCII.GetString(jwe).Split('.');
        if (parts.Length != 5)
        {
            throw new CryptographicException($"A compact JWE has 5 parts, this one {parts.Length}.");
        }

        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        var cek = privateKey.Decrypt(Base64Url.DecodeFromChars(parts[1]), RSAEncryptionPadding.OaepSHA256);
        var ciphertext = Base64Url.DecodeFromChars(parts[3]);
        var data = new byte[ciphertext.Length];
        using (var aes = new AesGcm(cek, 16))
        {
            aes.Decrypt(Base64Url.DecodeFromChars(parts[2]), ciphertext, Base64Url.DecodeFromChars(parts[4]), data, Encoding.ASCII.GetBytes(parts[0]));
        }

        return header.RootElement.TryGetProperty("zip", out var zip) && zip.GetString() == "DEF" ? Inflate(data) : data;
    }

    public void Dispose() => _publicKey.Dispose();

    private static byte[] Deflate(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream(data.Length / 2 + 64);
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Inflate(byte[] data)
    {
        using var input = new DeflateStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream(data.Length * 3);
        input.CopyTo(output);
        return output.ToArray();
    }
}
