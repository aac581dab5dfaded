namespace CritDiff.Experiments;

/// <summary>
/// The default coupling window of a critical-point search around a literature value: [0.95, 1.05] times it, wide enough
/// for the finite-size shift of the Binder crossings at small L, narrow enough that U(L, coupling) is smooth across it.
/// </summary>
public static class CriticalPointWindow
{
    /// <summary>Lower end as a fraction of the literature coupling.</summary>
    public const double LowerFraction = 0.95;

    /// <summary>Upper end as a fraction of the literature coupling.</summary>
    public const double UpperFraction = 1.05;

    /// <summary>The lower end of the window around <paramref name="literature"/>.</summary>
    public static double Lower(double literature) => LowerFraction * literature;

    /// <summary>The upper end of the window around <paramref name="literature"/>.</summary>
    public static double Upper(double literature) => UpperFraction * literature;
}
