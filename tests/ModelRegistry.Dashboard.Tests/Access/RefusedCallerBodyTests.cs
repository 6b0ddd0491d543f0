using System.Net;
using ModelRegistry.Dashboard.Tests.Health;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Access;

/// <summary>
/// Issue 12's limits: a caller who may not post gets its refusal without the server taking in its body — on a real
/// Kestrel, where an unread body would otherwise be drained (read to the end) to keep the connection open.
/// </summary>
public sealed class RefusedCallerBodyTests
{
    private const long BodyBytes = 24L * 1024 * 1024; // under Kestrel's 30 MB limit, so only the refusal stops it

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("viewer-key-0123456789-0123456789", HttpStatusCode.Forbidden)]
    public async Task A_refused_caller_s_large_body_is_not_taken_in(string? key, HttpStatusCode refusal)
    {
        await using var factory = new KestrelDashboardFactory(new Dictionary<string, string>
        {
            ["Auth:Anonymous:Enabled"] = "false",
            ["Demo:Traffic:Enabled"] = "false",
            ["RateLimiting:Enabled"] = "false",
            ["Auth:ApiKeys:1:Name"] = "viewer",
            ["Auth:ApiKeys:1:Key"] = "viewer-key-0123456789-0123456789",
            ["Auth:ApiKeys:1:Role"] = "Viewer",
        });
        var (status, sent) = await PostAsync(new Uri(factory.BaseUrl), "/api/v1/models", key);

        Assert.Equal((int)refusal, status);
        Assert.True(sent < BodyBytes / 2, $"{sent:N0} of {BodyBytes:N0} bytes were taken in before the refusal ended the request");
        using var http = new HttpClient { BaseAddress = new Uri(factory.BaseUrl) };
        using var next = await http.GetAsync("/healthz", Ct); // and the server is fine for the next caller
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    /// <summary>
    /// Sends the request over a plain socket — headers, then the body in 64 KB pieces for as long as the server takes
    /// them — while reading the answer; returns its status and how many body bytes went out.
    /// </summary>
    private static async Task<(int Status, long Sent)> PostAsync(Uri server, string path, string? key)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port, Ct);
        var stream = tcp.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: application/json\r\nContent-Length: {BodyBytes}\r\n"
            + (key is null ? "" : $"X-Api-Key: {key}\r\n") + "\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head), Ct);

        long sent = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var upload = Task.Run(async () =>
        {
            var piece = new byte[64 * 1024];
            Array.Fill(piece, (byte)' ');
            try
            {
                while (sent < BodyBytes)
                {
                    await stream.WriteAsync(piece, stop.Token);
                    sent += piece.Length;
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                // The server answered and closed the connection: the rest is never sent.
            }
        }, Ct);

        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer, Ct); // the status line comes first
        var statusLine = System.Text.Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
        await upload.WaitAsync(TimeSpan.FromSeconds(30), Ct); // ends when the body is all sent or the server closed
        return (int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), sent);
    }
}
