namespace CritDiff.Networks;

/// <summary>
/// Where the parameters of full-range layers live. <see cref="Kernel"/>: real-space kernel entries K(y),
/// as a CNN has them (default). <see cref="Fourier"/>: the complex multipliers m(k) of every mode
/// (stored as V real parts then V imaginary parts); plain gradient descent then follows the kernel
/// trajectory when its learning rate is V times the kernel one (docs/science.md section 5). Local and dense
/// layers always use the kernel basis.
/// </summary>
public enum ParameterBasis
{
    /// <summary>Real-space kernel entries.</summary>
    Kernel,

    /// <summary>Complex Fourier multipliers of every mode (full layers only).</summary>
    Fourier,
}
