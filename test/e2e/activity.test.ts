/**
 * The Activity view (issue 12) in real Chromium: an MCP tool call made with the SDK's client at the gateway's
 * /mcp shows up in the list read from GET /audit.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { E2E_TEST_TIMEOUT, announceSkip, openInbox, useE2eSuite } from './harness.js';

const skip = announceSkip('Activity view (activity.test.ts)');

describe.skipIf(skip)('Activity view, in Chromium', () => {
  const suite = useE2eSuite({ ratePerMinute: 0 });

  it('lists an MCP tool call made at /mcp, with its tool, arguments and outcome', async () => {
    const created = await suite.gw.api('POST', '/keys', { body: { name: 'assistant', capabilities: ['read'] } });
    expect(created.status).toBe(201);
    const client = new Client({ name: 'e2e', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${suite.gw.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${created.body.key}` } } }),
    );
    const answer = await client.callTool({ name: 'list_chats', arguments: { query: 'activity-probe' } });
    expect(answer.isError).toBeFalsy();
    await client.close();

    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    await page.getByTestId('nav-activity').click();
    const row = page.locator('[data-testid="activity-row"][data-tool="list_chats"]');
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    const text = await row.innerText();
    expect(text).toContain('activity-probe');
    expect(text).toContain(`api_key:${created.body.id}`);
    expect(await row.getAttribute('data-outcome')).toBe('ok');
  }, E2E_TEST_TIMEOUT);
});
