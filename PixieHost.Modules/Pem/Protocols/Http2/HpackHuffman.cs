namespace PixieHost.Modules.Pem.Protocols.Http2;

/// <summary>
/// The HPACK Huffman code (RFC 7541 section 5.2, Appendix B). Decoding walks a binary tree built once from the
/// code table, one bit at a time (~2 ns per bit; header strings are short). The padding must be fewer than 8
/// one-bits (a prefix of EOS); EOS itself inside a string is an error.
/// </summary>
public static partial class HpackHuffman
{
    // Node i has children Tree[2i] (bit 0) and Tree[2i+1] (bit 1): > 0 another node, < 0 the leaf -(symbol+1),
    // 0 no code (cannot happen: the code is complete). 256 leaves need 255 inner nodes.
    // In a nested class so it is built after the code tables of the other partial file are initialized.
    private static class Built
    {
        public static readonly short[] Tree = BuildTree();
    }

    /// <summary>A decoded string of <paramref name="encodedLength"/> Huffman bytes is at most this long (shortest code is 5 bits).</summary>
    public static int MaxDecodedLength(int encodedLength) => ((encodedLength * 8) / 5) + 1;

    /// <summary>
    /// Decodes <paramref name="src"/> into <paramref name="dst"/> (at least <see cref="MaxDecodedLength"/> long);
    /// the decoded length, or -1 when the bits are not a valid Huffman string.
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        var tree = Built.Tree;
        var node = 0;
        var written = 0;
        var bitsSinceSymbol = 0;
        var allOnes = true;
        foreach (var b in src)
        {
            for (var shift = 7; shift >= 0; shift--)
            {
                var bit = (b >> shift) & 1;
                var next = tree[(node * 2) + bit];
                bitsSinceSymbol++;
                allOnes &= bit == 1;
                if (next < 0)
                {
                    var sym = -next - 1;
                    if (sym == 256 || written == dst.Length)
                    {
                        return -1;
                    }

                    dst[written++] = (byte)sym;
                    node = 0;
                    bitsSinceSymbol = 0;
                    allOnes = true;
                }
                else
                {
                    node = next;
                }
            }
        }

        return bitsSinceSymbol < 8 && allOnes ? written : -1;
    }

    /// <summary>Encodes <paramref name="src"/> (used by tests and benchmarks to build header blocks).</summary>
    public static byte[] Encode(ReadOnlySpan<byte> src)
    {
        var bits = 0L;
        foreach (var b in src)
        {
            bits += Lengths[b];
        }

        var dst = new byte[(bits + 7) / 8];
        ulong acc = 0;
        var accBits = 0;
        var w = 0;
        foreach (var b in src)
        {
            acc = (acc << Lengths[b]) | Codes[b];
            accBits += Lengths[b];
            while (accBits >= 8)
            {
                accBits -= 8;
                dst[w++] = (byte)(acc >> accBits);
            }
        }

        if (accBits > 0)
        {
            dst[w] = (byte)((acc << (8 - accBits)) | (0xffu >> accBits));
        }

        return dst;
    }

    private static short[] BuildTree()
    {
        var tree = new short[512];
        var nodes = 1;
        for (var sym = 0; sym <= 256; sym++)
        {
            var len = Lengths[sym];
            var code = Codes[sym];
            var node = 0;
            for (var i = len - 1; i >= 0; i--)
            {
                var slot = (node * 2) + (int)((code >> i) & 1);
                if (i == 0)
                {
                    tree[slot] = (short)-(sym + 1);
                }
                else
                {
                    if (tree[slot] == 0)
                    {
                        tree[slot] = (short)nodes++;
                    }

                    node = tree[slot];
                }
            }
        }

        return tree;
    }
}
