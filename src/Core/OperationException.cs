namespace ModelRegistry.Dashboard.Core;

/// <summary>
/// Base of every refusal the engine reports to a caller. The API maps each kind to a problem-details status;
/// the UI shows <see cref="Exception.Message"/> (and field errors) as they are.
/// </summary>
public abstract class OperationException(string message) : Exception(message);

/// <summary>Input was refused as a whole; <see cref="Errors"/> maps each field to what is wrong with it.</summary>
public sealed class ValidationFailedException(IReadOnlyDictionary<string, string[]> errors)
    : OperationException(Describe(errors))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public ValidationFailedException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }

    private static string Describe(IReadOnlyDictionary<string, string[]> errors) =>
        string.Join(" ", errors.SelectMany(e => e.Value));
}

/// <summary>The named thing does not exist.</summary>
public sealed class NotFoundException(string message) : OperationException(message);

/// <summary>The change collides with the current state: a duplicate, a rule about current use, or a concurrent edit.</summary>
public sealed class ConflictException(string message, string? field = null) : OperationException(message)
{
    /// <summary>The input field the conflict is about, when there is one (e.g. <c>version</c> for a duplicate).</summary>
    public string? Field { get; } = field;
}

/// <summary>The actor's role does not allow the operation.</summary>
public sealed class ForbiddenException(string message) : OperationException(message);
