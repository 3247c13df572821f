/** The API token field of the pages with mutations (the server's `server.token`; kept by the app, not stored). */
export function TokenInput({ token, onToken }: { token: string; onToken: (t: string) => void }) {
  return (
    <label>
      API token{' '}
      <input
        data-testid="token-input"
        type="password"
        value={token}
        placeholder="server.token"
        onChange={(e) => onToken(e.target.value)}
      />
    </label>
  );
}
