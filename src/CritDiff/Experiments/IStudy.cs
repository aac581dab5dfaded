namespace CritDiff.Experiments;

/// <summary>
/// The study contract: a validated spec and a <see cref="StudyRun"/> (folder, threads, progress sink, cancellation) in, a
/// result out. <see cref="Jobs"/> counts the jobs a run still has to do (those whose results the folder does not hold), so
/// a progress display can size itself before the run starts. A study validates its spec first and throws
/// <see cref="ArgumentException"/> naming the bad setting; finished jobs are written to the folder as they end, and a
/// rerun with the same spec reuses them.
/// </summary>
/// <typeparam name="TSpec">The study's immutable specification.</typeparam>
/// <typeparam name="TResult">What it produces.</typeparam>
public interface IStudy<in TSpec, out TResult>
{
    /// <summary>Jobs still to run for <paramref name="spec"/> in <paramref name="folder"/> (all of them when it is null).</summary>
    int Jobs(TSpec spec, string? folder);

    /// <summary>Runs the study (validating <paramref name="spec"/> first).</summary>
    TResult Run(TSpec spec, StudyRun run);
}
