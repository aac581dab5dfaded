using System.Numerics.Tensors;

namespace CritDiff.Networks;

/// <summary>The pointwise nonlinearity sigma of a convolutional score network (docs/science.md section 10).</summary>
public enum Activation
{
    /// <summary>sigma(z) = tanh z (odd, bounded).</summary>
    Tanh,

    /// <summary>sigma(z) = z / (1 + exp(-z)) (SiLU / swish; not odd).</summary>
    Silu,

    /// <summary>sigma(z) = z (the network is then linear in x).</summary>
    Identity,
}

/// <summary>
/// Values and derivatives of an <see cref="Activation"/>, pointwise and on spans (span kernels through
/// <see cref="TensorPrimitives"/>).
/// </summary>
public static class ActivationFunctions
{
    /// <summary>The command-line token: "tanh", "silu" or "identity".</summary>
    public static string Token(this Activation activation) => activation switch
    {
        Activation.Tanh => "tanh",
        Activation.Silu => "silu",
        Activation.Identity => "identity",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation"),
    };

    /// <summary>True when sigma(-z) = -sigma(z) (tanh, identity): then a bias-free network is odd in x.</summary>
    public static bool IsOdd(this Activation activation) => activation is Activation.Tanh or Activation.Identity;

    /// <summary>sigma(z).</summary>
    public static double Value(this Activation activation, double z) => activation switch
    {
        Activation.Tanh => Math.Tanh(z),
        Activation.Silu => z / (1 + Math.Exp(-z)),
        Activation.Identity => z,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation"),
    };

    /// <summary>sigma'(z): 1 - tanh^2 z; s (1 + z (1 - s)) with s the logistic sigmoid; 1.</summary>
    public static double Derivative(this Activation activation, double z)
    {
        switch (activation)
        {
            case Activation.Tanh:
                double t = Math.Tanh(z);
                return 1 - t * t;
            case Activation.Silu:
                double s = 1 / (1 + Math.Exp(-z));
                return s * (1 + z * (1 - s));
            case Activation.Identity:
                return 1;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation");
        }
    }

    /// <summary>sigma''(z): -2 tanh z (1 - tanh^2 z); s (1 - s) (2 + z (1 - 2 s)); 0.</summary>
    public static double SecondDerivative(this Activation activation, double z)
    {
        switch (activation)
        {
            case Activation.Tanh:
                double t = Math.Tanh(z);
                return -2 * t * (1 - t * t);
            case Activation.Silu:
                double s = 1 / (1 + Math.Exp(-z));
                return s * (1 - s) * (2 + z * (1 - 2 * s));
            case Activation.Identity:
                return 0;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation");
        }
    }

    /// <summary>h = sigma(z) elementwise (<paramref name="h"/> may be <paramref name="z"/> itself).</summary>
    internal static void Apply(Activation activation, ReadOnlySpan<double> z, Span<double> h)
    {
        switch (activation)
        {
            case Activation.Tanh:
                TensorPrimitives.Tanh(z, h);
                break;
            case Activation.Silu:
                // z * sigmoid(z): sigmoid into h first is safe only when h does not alias z.
                if (h.Overlaps(z))
                {
                    for (int i = 0; i < z.Length; i++) h[i] = z[i] / (1 + Math.Exp(-z[i]));
                    break;
                }
                TensorPrimitives.Sigmoid(z, h);
                TensorPrimitives.Multiply(z, h, h);
                break;
            case Activation.Identity:
                z.CopyTo(h);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation");
        }
    }

    /// <summary>
    /// d = sigma'(z) elementwise, given z and h = sigma(z) (tanh uses 1 - h^2; SiLU needs <paramref name="scratch"/>
    /// of the same length). <paramref name="d"/> must not alias z or h.
    /// </summary>
    internal static void Derivative(Activation activation, ReadOnlySpan<double> z, ReadOnlySpan<double> h, Span<double> d, Span<double> scratch)
    {
        switch (activation)
        {
            case Activation.Tanh:
                TensorPrimitives.Multiply(h, h, d);
                TensorPrimitives.Subtract(1.0, d, d);
                break;
            case Activation.Silu:
                // s (1 + z (1 - s)) = s + z s (1 - s)
                TensorPrimitives.Sigmoid(z, scratch);
                TensorPrimitives.Subtract(1.0, scratch, d);       // 1 - s
                TensorPrimitives.Multiply(d, scratch, d);         // s (1 - s)
                TensorPrimitives.MultiplyAdd(d, z, scratch, d);   // s + z s (1 - s)
                break;
            case Activation.Identity:
                d.Fill(1);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation");
        }
    }
}
