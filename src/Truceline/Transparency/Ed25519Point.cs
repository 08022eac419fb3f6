using System.Numerics;

namespace Truceline.Transparency;

/// <summary>
/// A point of edwards25519 (-x² + y² = 1 + d·x²·y²) in extended coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, x·y = T/Z,
/// with the formulas of RFC 8032 §5.1.4. The addition formula is complete, so the constant-time multiplication adds
/// at every step, whatever the bit.
/// </summary>
internal readonly struct EdwardsPoint
{
    private static readonly FieldElement D = FieldElement.FromBigInteger(-121665 * BigInteger.ModPow(121666, FieldElement.P - 2, FieldElement.P));
    private static readonly FieldElement D2 = D + D;
    private static readonly FieldElement SqrtMinusOne = FieldElement.FromBigInteger(BigInteger.ModPow(2, (FieldElement.P - 1) / 4, FieldElement.P));

    private readonly FieldElement _x, _y, _z, _t;

    private EdwardsPoint(FieldElement x, FieldElement y, FieldElement z, FieldElement t)
    {
        _x = x;
        _y = y;
        _z = z;
        _t = t;
    }

    public static EdwardsPoint Identity => new(FieldElement.Zero, FieldElement.One, FieldElement.One, FieldElement.Zero);

    /// <summary>The base point B of RFC 8032 §5.1: y = 4/5, x positive, decoded from its standard encoding.</summary>
    public static readonly EdwardsPoint Base = TryDecode(Convert.FromHexString("5866666666666666666666666666666666666666666666666666666666666666"), out var b)
        ? b : throw new InvalidOperationException("The Ed25519 base point does not decode.");

    /// <summary>RFC 8032 §5.1.3, strictly: y must be below p, and x = 0 must not carry the sign bit.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> s, out EdwardsPoint point)
    {
        point = Identity;
        if (s.Length != 32)
        {
            return false;
        }
        var y = FieldElement.FromBytes(s);
        Span<byte> canonical = stackalloc byte[32];
        y.CopyTo(canonical);
        canonical[31] |= (byte)(s[31] & 0x80);
        if (!canonical.SequenceEqual(s))
        {
            return false;
        }
        var yy = y.Square();
        var u = yy - FieldElement.One;
        var v = D * yy + FieldElement.One;
        var v3 = v.Square() * v;
        var x = u * v3 * (u * v3.Square() * v).PowPMinus5Over8();
        var vxx = v * x.Square();
        if (!vxx.Equals(u))
        {
            if (!vxx.Equals(-u))
            {
                return false;
            }
            x *= SqrtMinusOne;
        }
        var sign = s[31] >> 7 == 1;
        if (x.IsZero && sign)
        {
            return false;
        }
        if (x.IsNegative != sign)
        {
            x = -x;
        }
        point = new(x, y, FieldElement.One, x * y);
        return true;
    }

    public byte[] Encode()
    {
        var zInverse = _z.Invert();
        var x = _x * zInverse;
        var s = (_y * zInverse).ToBytes();
        s[31] |= (byte)(x.IsNegative ? 0x80 : 0);
        return s;
    }

    public static EdwardsPoint operator +(EdwardsPoint p, EdwardsPoint q)
    {
        var a = (p._y - p._x) * (q._y - q._x);
        var b = (p._y + p._x) * (q._y + q._x);
        var c = p._t * D2 * q._t;
        var d = p._z * q._z;
        d += d;
        FieldElement e = b - a, f = d - c, g = d + c, h = b + a;
        return new(e * f, g * h, f * g, e * h);
    }

    public static EdwardsPoint operator -(EdwardsPoint p) => new(-p._x, p._y, p._z, -p._t);

    public EdwardsPoint Double()
    {
        var a = _x.Square();
        var b = _y.Square();
        var c = _z.Square();
        c += c;
        var h = a + b;
        var e = h - (_x + _y).Square();
        var g = a - b;
        var f = c + g;
        return new(e * f, g * h, f * g, e * h);
    }

    /// <summary>[scalar]P for a 32-byte little-endian scalar, in constant time: a double and an add for every bit.</summary>
    public EdwardsPoint Multiply(ReadOnlySpan<byte> scalar)
    {
        var q = Identity;
        for (var i = 255; i >= 0; i--)
        {
            q = q.Double();
            var sum = q + this;
            var bit = (ulong)((scalar[i >> 3] >> (i & 7)) & 1);
            q = new(FieldElement.Select(q._x, sum._x, bit), FieldElement.Select(q._y, sum._y, bit),
                FieldElement.Select(q._z, sum._z, bit), FieldElement.Select(q._t, sum._t, bit));
        }
        return q;
    }

    /// <summary>[a]A + [b]B with one shared chain of doublings (Straus). Variable time: for public values only.</summary>
    public static EdwardsPoint MultiplyAddVartime(ReadOnlySpan<byte> a, EdwardsPoint pointA, ReadOnlySpan<byte> b, EdwardsPoint pointB)
    {
        var both = pointA + pointB;
        var q = Identity;
        for (var i = 255; i >= 0; i--)
        {
            q = q.Double();
            var bitA = (a[i >> 3] >> (i & 7)) & 1;
            var bitB = (b[i >> 3] >> (i & 7)) & 1;
            if (bitA == 1 && bitB == 1)
            {
                q += both;
            }
            else if (bitA == 1)
            {
                q += pointA;
            }
            else if (bitB == 1)
            {
                q += pointB;
            }
        }
        return q;
    }
}
