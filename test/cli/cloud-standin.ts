// A loopback stand-in for the few Pulumi Cloud API endpoints `pulumi login` and `pulumi policy
// publish` call (read from the CLI's pkg/backend/httpstate/client at v3.248.0): the user behind the
// access token and their default organization, the publish request, the pre-signed upload of the pack's tarball, and the
// completion signal. It records what it received so a test can check it, and answers anything else
// with 404 and a record of the call, so an endpoint the CLI starts to need shows up in the test.
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface PublishedPack {
    org: string;
    /** The CreatePolicyPackRequest body. */
    request: { name: string; displayName?: string; versionTag?: string; runtime?: string; policies: { name: string; enforcementLevel: string; configSchema?: unknown }[] };
    /** The uploaded tarball (npm pack of the pack folder). */
    tarball?: Buffer;
    completed: boolean;
}

export interface CloudStandin {
    url: string;
    token: string;
    published: PublishedPack[];
    /** Calls answered 404: "METHOD /path". */
    unexpected: string[];
    close(): Promise<void>;
}

export const STANDIN_ORG = "acme";
export const STANDIN_USER = "carbonguard-ci";

function readBody(req: http.IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => resolve(Buffer.concat(chunks)));
        req.on("error", reject);
    });
}

export async function startCloudStandin(): Promise<CloudStandin> {
    const token = "pul-standin-token-0123456789";
    const published: PublishedPack[] = [];
    const unexpected: string[] = [];
    let base = "";

    const json = (res: http.ServerResponse, status: number, body: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
    };

    const server = http.createServer((req, res) => {
        void (async () => {
            const url = new URL(req.url ?? "/", base);
            const body = await readBody(req);
            const method = req.method ?? "GET";
            const authorized = req.headers.authorization === `token ${token}`;
            let m: RegExpMatchArray | null;

            if (method === "PUT" && (m = url.pathname.match(/^\/upload\/(\d+)$/))) {
                // The pre-signed object-storage URL: no Pulumi token on it.
                const pack = published[Number(m[1])];
                if (!pack) return json(res, 404, { code: 404, message: "no such upload" });
                pack.tarball = body;
                return json(res, 200, {});
            }
            if (!authorized) return json(res, 401, { code: 401, message: "Unauthorized: bad token" });
            if (method === "GET" && url.pathname === "/api/user") {
                return json(res, 200, {
                    githubLogin: STANDIN_USER,
                    name: "carbonguard CI",
                    email: "ci@example.com",
                    avatarUrl: "",
                    organizations: [{ githubLogin: STANDIN_ORG, name: "Acme", avatarUrl: "" }],
                    identities: [],
                    siteAdmin: false,
                    tokenInfo: { name: "standin", organization: "", team: "" },
                });
            }
            if (method === "GET" && url.pathname === "/api/capabilities") return json(res, 200, { capabilities: [] });
            if (method === "GET" && url.pathname === "/api/user/organizations/default") return json(res, 200, { GitHubLogin: STANDIN_ORG, Messages: [] });
            if (method === "POST" && (m = url.pathname.match(/^\/api\/orgs\/([^/]+)\/policypacks$/))) {
                const request = JSON.parse(body.toString("utf8")) as PublishedPack["request"];
                published.push({ org: decodeURIComponent(m[1]!), request, completed: false });
                const id = published.length - 1;
                return json(res, 200, { version: id + 1, uploadURI: `${base}/upload/${id}`, requiredHeaders: { "Content-Type": "application/octet-stream" } });
            }
            if (method === "POST" && (m = url.pathname.match(/^\/api\/orgs\/([^/]+)\/policypacks\/([^/]+)\/versions\/([^/]+)\/complete$/))) {
                const pack = published.find((p) => p.org === decodeURIComponent(m![1]!) && p.request.name === decodeURIComponent(m![2]!) && p.request.versionTag === decodeURIComponent(m![3]!));
                if (!pack) return json(res, 404, { code: 404, message: "no such policy pack version" });
                pack.completed = true;
                return json(res, 200, {});
            }
            unexpected.push(`${method} ${url.pathname}`);
            return json(res, 404, { code: 404, message: `the stand-in does not serve ${method} ${url.pathname}` });
        })().catch((e: unknown) => json(res, 500, { code: 500, message: String(e) }));
    });

    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
        url: base,
        token,
        published,
        unexpected,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}
