using System.Buffers.Binary;
using System.Numerics;

namespace Truceline.Transparency;

/// <summary>
/// An element of GF(2^255 - 19) in five 51-bit limbs. Every operation leaves its limbs below about 2^51 + 2^18, so
/// products of limbs fit in 128 bits with room to spare. No branch or memory access depends on a value, only on
/// public exponents, so signing does not leak its secret scalars through timing.
/// </summary>
internal readonly struct FieldElement
{
    private const ulong Mask = (1UL << 51) - 1;

    public static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;

    private static readonly byte[] PMinus2 = ToLittleEndian(P - 2);
    private static readonly byte[] PMinus5Over8 = ToLittleEndian((P - 5) / 8);

    private readonly ulong _0, _1, _2, _3, _4;

    private FieldElement(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4)
    {
        _0 = l0;
        _1 = l1;
        _2 = l2;
        _3 = l3;
        _4 = l4;
    }

    public static FieldElement Zero => default;

    public static FieldElement One => new(1, 0, 0, 0, 0);

    /// <summary>Reads 32 little-endian bytes, ignoring the top bit (bit 255), as RFC 8032 §5.1.3 decodes y.</summary>
    public static FieldElement FromBytes(ReadOnlySpan<byte> s)
    {
        var w0 = BinaryPrimitives.ReadUInt64LittleEndian(s);
        var w1 = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
        var w2 = BinaryPrimitives.ReadUInt64LittleEndian(s[16..]);
        var w3 = BinaryPrimitives.ReadUInt64LittleEndian(s[24..]);
        return new(w0 & Mask, (w0 >> 51 | w1 << 13) & Mask, (w1 >> 38 | w2 << 26) & Mask, (w2 >> 25 | w3 << 39) & Mask, (w3 >> 12) & Mask);
    }

    public static FieldElement FromBigInteger(BigInteger value) => FromBytes(ToLittleEndian(((value % P) + P) % P));

    /// <summary>The canonical encoding: the value reduced below p, 32 bytes little-endian, top bit clear.</summary>
    public void CopyTo(Span<byte> s)
    {
        var (l0, l1, l2, l3, l4) = Carry(_0, _1, _2, _3, _4);
        // q is 1 exactly when the value is at least p (it is below 2p): adding 19 then carries out of bit 255.
        var q = (l0 + 19) >> 51;
        q = (l1 + q) >> 51;
        q = (l2 + q) >> 51;
        q = (l3 + q) >> 51;
        q = (l4 + q) >> 51;
        l0 += 19 * q;
        l1 += l0 >> 51;
        l0 &= Mask;
        l2 += l1 >> 51;
        l1 &= Mask;
        l3 += l2 >> 51;
        l2 &= Mask;
        l4 += l3 >> 51;
        l3 &= Mask;
        l4 &= Mask;
        BinaryPrimitives.WriteUInt64LittleEndian(s, l0 | l1 << 51);
        BinaryPrimitives.WriteUInt64LittleEndian(s[8..], l1 >> 13 | l2 << 38);
        BinaryPrimitives.WriteUInt64LittleEndian(s[16..], l2 >> 26 | l3 << 25);
        BinaryPrimitives.WriteUInt64LittleEndian(s[24..], l3 >> 39 | l4 << 12);
    }

    public byte[] ToBytes()
    {
        var s = new byte[32];
        CopyTo(s);
        return s;
    }

    /// <summary>RFC 8032's sign of x: the low bit of its canonical encoding.</summary>
    public bool IsNegative
    {
        get
        {
            Span<byte> s = stackalloc byte[32];
            CopyTo(s);
            return (s[0] & 1) == 1;
        }
    }

    public bool IsZero
    {
        get
        {
            Span<byte> s = stackalloc byte[32];
            CopyTo(s);
            return !s.ContainsAnyExcept((byte)0);
        }
    }

    public bool Equals(FieldElement other) => (this - other).IsZero;

    public static FieldElement operator +(FieldElement a, FieldElement b) =>
        Reduce(a._0 + b._0, a._1 + b._1, a._2 + b._2, a._3 + b._3, a._4 + b._4);

    // 4p is added first so no limb goes below zero: every limb of b is far below the matching limb of 4p.
    public static FieldElement operator -(FieldElement a, FieldElement b) =>
        Reduce(a._0 + 0x1FFFFFFFFFFFB4 - b._0, a._1 + 0x1FFFFFFFFFFFFC - b._1, a._2 + 0x1FFFFFFFFFFFFC - b._2,
            a._3 + 0x1FFFFFFFFFFFFC - b._3, a._4 + 0x1FFFFFFFFFFFFC - b._4);

    public static FieldElement operator -(FieldElement a) => Zero - a;

    public static FieldElement operator *(FieldElement a, FieldElement b)
    {
        // 2^255 = 19 (mod p), so a product term that lands at or above limb 5 comes back at limb - 5, times 19.
        ulong b1 = b._1 * 19, b2 = b._2 * 19, b3 = b._3 * 19, b4 = b._4 * 19;
        var c0 = Mul(a._0, b._0) + Mul(a._1, b4) + Mul(a._2, b3) + Mul(a._3, b2) + Mul(a._4, b1);
        var c1 = Mul(a._0, b._1) + Mul(a._1, b._0) + Mul(a._2, b4) + Mul(a._3, b3) + Mul(a._4, b2);
        var c2 = Mul(a._0, b._2) + Mul(a._1, b._1) + Mul(a._2, b._0) + Mul(a._3, b4) + Mul(a._4, b3);
        var c3 = Mul(a._0, b._3) + Mul(a._1, b._2) + Mul(a._2, b._1) + Mul(a._3, b._0) + Mul(a._4, b4);
        var c4 = Mul(a._0, b._4) + Mul(a._1, b._3) + Mul(a._2, b._2) + Mul(a._3, b._1) + Mul(a._4, b._0);
        c1 += (ulong)(c0 >> 51);
        c2 += (ulong)(c1 >> 51);
        c3 += (ulong)(c2 >> 51);
        c4 += (ulong)(c3 >> 51);
        var r0 = ((ulong)c0 & Mask) + (ulong)(c4 >> 51) * 19;
        var r1 = ((ulong)c1 & Mask) + (r0 >> 51);
        return new(r0 & Mask, r1, (ulong)c2 & Mask, (ulong)c3 & Mask, (ulong)c4 & Mask);
    }

    public FieldElement Square() => this * this;

    public FieldElement Invert() => Pow(PMinus2);

    /// <summary>x^((p-5)/8), the heart of RFC 8032's square root of u/v.</summary>
    public FieldElement PowPMinus5Over8() => Pow(PMinus5Over8);

    /// <summary>a when choice is 0, b when it is 1, without a branch.</summary>
    public static FieldElement Select(FieldElement a, FieldElement b, ulong choice)
    {
        var mask = 0 - choice;
        return new(a._0 ^ ((a._0 ^ b._0) & mask), a._1 ^ ((a._1 ^ b._1) & mask), a._2 ^ ((a._2 ^ b._2) & mask),
            a._3 ^ ((a._3 ^ b._3) & mask), a._4 ^ ((a._4 ^ b._4) & mask));
    }

    // Square-and-multiply over a public exponent, most significant bit first.
    private FieldElement Pow(ReadOnlySpan<byte> exponent)
    {
        var result = One;
        for (var i = exponent.Length * 8 - 1; i >= 0; i--)
        {
            result = result.Square();
            if (((exponent[i >> 3] >> (i & 7)) & 1) == 1)
            {
                result *= this;
            }
        }
        return result;
    }

    private static UInt128 Mul(ulong x, ulong y)
    {
        var high = Math.BigMul(x, y, out var low);
        return new UInt128(high, low);
    }

    private static FieldElement Reduce(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4)
    {
        var (r0, r1, r2, r3, r4) = Carry(l0, l1, l2, l3, l4);
        return new(r0, r1, r2, r3, r4);
    }

    // Moves each limb's bits above 51 into the next limb, the top limb's around to the bottom times 19.
    private static (ulong, ulong, ulong, ulong, ulong) Carry(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4) =>
        ((l0 & Mask) + (l4 >> 51) * 19, (l1 & Mask) + (l0 >> 51), (l2 & Mask) + (l1 >> 51), (l3 & Mask) + (l2 >> 51), (l4 & Mask) + (l3 >> 51));

    private static byte[] ToLittleEndian(BigInteger value)
    {
        var bytes = new byte[32];
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return bytes;
    }
}
