using CritDiff.Lattices;

namespace CritDiff.Networks;

/// <summary>A linear network (its n components are independent copies sharing the kernels).</summary>
public sealed record LinearModelSpec(Architecture Architecture, ParameterBasis Basis = ParameterBasis.Kernel) : ScoreModelSpec
{
    /// <inheritdoc />
    public override string Name => Architecture.Name;

    /// <inheritdoc />
    public override bool IsLinear => true;

    /// <inheritdoc />
    public override long ParameterCount(Lattice lattice, int components) => Architecture.ParameterCount(lattice);

    /// <inheritdoc />
    public override void Validate(Lattice lattice) => Architecture.Validate(lattice);

    /// <inheritdoc />
    public override ScoreModel Create(Lattice lattice, int components, int maxThreads = 0) => new LinearScoreModel(lattice, components, Architecture, Basis);

    /// <inheritdoc />
    public override Architecture MomentArchitecture => Architecture;

    /// <inheritdoc />
    public override ScoreModelSpec WithBasis(ParameterBasis basis) =>
        basis == ParameterBasis.Fourier && !Architecture.IsFullRange
            ? throw new ArgumentException("the Fourier basis applies to full convolution layers only", nameof(basis))
            : this with { Basis = basis };

    /// <inheritdoc />
    public override bool RepresentsExactScore => Architecture.RepresentsExactScore;
}
