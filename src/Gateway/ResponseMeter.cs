using System.Buffers;
using System.Text.Json;

namespace ModelRegistry.Dashboard.Gateway;

/// <summary>
/// Wraps the response body on its way to the caller, passing every byte through at once (a stream is never buffered):
/// it notes when the first byte left (time to first token) and reads the token <c>usage</c> — from a JSON body, or from
/// the server-sent event that carries it (<c>stream_options.include_usage</c>).
/// </summary>
internal sealed class ResponseMeter(Stream inner, TimeProvider clock, long startedAt) : Stream
{
    /// <summary>A JSON body larger than this is passed through without its usage being read.</summary>
    private const int MaxCapturedBytes = 1024 * 1024;

    /// <summary>The bytes kept for the usage parse (a JSON body, or the current event line), in a pooled buffer.</summary>
    private byte[] _captured = [];
    private int _capturedLength;
    private bool _overflow;

    /// <summary>Server-sent events: usage is read line by line. Set before the first write.</summary>
    public bool EventStream { get; set; }

    /// <summary>Time from the start of the request to the first byte written, or null if nothing was written.</summary>
    public TimeSpan? FirstByte { get; private set; }

    public long BytesWritten { get; private set; }

    public (int Input, int Output)? Usage { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Observe(buffer.Span);
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Observe(buffer.AsSpan(offset, count));
        inner.Write(buffer, offset, count);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    /// <summary>Reads the usage of a complete JSON body (call after the response ended).</summary>
    public void Complete()
    {
        if (!EventStream && !_overflow && _capturedLength > 0)
        {
            Usage = ReadUsage(_captured.AsMemory(0, _capturedLength)) ?? Usage;
        }
    }

    private void Observe(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        FirstByte ??= clock.GetElapsedTime(startedAt);
        BytesWritten += bytes.Length;
        if (EventStream)
        {
            ObserveEvents(bytes);
        }
        else if (!_overflow)
        {
            if (_capturedLength + bytes.Length > MaxCapturedBytes)
            {
                _overflow = true;
                _capturedLength = 0;
            }
            else
            {
                Capture(bytes);
            }
        }
    }

    // Keeps the current (incomplete) line only; each complete "data: {...}" line that mentions usage is parsed.
    private void ObserveEvents(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var newline = bytes.IndexOf((byte)'\n');
            var part = newline < 0 ? bytes : bytes[..newline];
            if (_capturedLength + part.Length <= MaxCapturedBytes)
            {
                Capture(part);
            }
            else
            {
                _overflow = true;
            }

            if (newline < 0)
            {
                return;
            }

            var line = _captured.AsMemory(0, _capturedLength).TrimEnd((byte)'\r');
            if (!_overflow && line.Span.StartsWith("data:"u8) && line.Span.IndexOf("\"usage\""u8) >= 0)
            {
                Usage = ReadUsage(line["data:"u8.Length..].TrimStart((byte)' ')) ?? Usage;
            }

            _capturedLength = 0;
            _overflow = false;
            bytes = bytes[(newline + 1)..];
        }
    }

    /// <summary>
    /// The top-level <c>usage</c> of a JSON object: <c>prompt_tokens</c>/<c>completion_tokens</c> (chat, completions,
    /// embeddings) or <c>input_tokens</c>/<c>output_tokens</c> (responses), also inside a <c>response</c> object (the
    /// responses API's final event). Null when there is none or the JSON does not parse.
    /// </summary>
    private void Capture(ReadOnlySpan<byte> bytes)
    {
        if (_capturedLength + bytes.Length > _captured.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_capturedLength + bytes.Length, 1024));
            _captured.AsSpan(0, _capturedLength).CopyTo(larger);
            ReturnCaptured();
            _captured = larger;
        }

        bytes.CopyTo(_captured.AsSpan(_capturedLength));
        _capturedLength += bytes.Length;
    }

    private void ReturnCaptured()
    {
        if (_captured.Length > 0)
        {
            // Cleared: it held a caller's completion, and the shared pool hands it to any other code next.
            ArrayPool<byte>.Shared.Return(_captured, clearArray: true);
        }

        _captured = [];
    }

    internal static (int Input, int Output)? ReadUsage(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (!root.TryGetProperty("usage", out var usage) && !(root.TryGetProperty("response", out var response)
                && response.ValueKind == JsonValueKind.Object && response.TryGetProperty("usage", out usage)))
            {
                return null;
            }

            if (usage.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var input = Tokens(usage, "prompt_tokens") ?? Tokens(usage, "input_tokens");
            var output = Tokens(usage, "completion_tokens") ?? Tokens(usage, "output_tokens") ?? 0;
            return input is { } i ? (i, output) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static int? Tokens(JsonElement usage, string name) =>
        usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReturnCaptured();
            _capturedLength = 0;
        }

        base.Dispose(disposing);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
