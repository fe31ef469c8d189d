# The rtc-kit hub (`rtc-hub`) in a container. docs/deploy.md shows how to run it with coturn and Redis
# (compose.yaml). Every setting is an environment variable; `docker run IMAGE --help` lists them.
#
# Two stages: the first builds the package and packs it as npm would publish it; the second installs
# only that tarball, without dev dependencies, on a slim Node 20 and runs it as the unprivileged `node`
# user. So the image holds what `npm install rtc-kit` would, and nothing of the source tree.

FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm pack --pack-destination /tmp && mv /tmp/rtc-kit-*.tgz /tmp/rtc-kit.tgz

FROM node:20-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=5000
WORKDIR /app
COPY --from=build /tmp/rtc-kit.tgz /tmp/rtc-kit.tgz
RUN npm install --omit=dev --no-audit --no-fund /tmp/rtc-kit.tgz \
    && rm /tmp/rtc-kit.tgz \
    && npm cache clean --force
# Root owns the installed files; the hub only reads them.
USER node
EXPOSE 5000
# node:20-slim has no curl: Node's own fetch asks the hub, on the port it was given.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 5000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/node_modules/rtc-kit/server/dist/cli.js"]
