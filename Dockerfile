# Build stage: compile the release binary.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin crm-server

# Runtime stage: the binary alone, as an unprivileged user.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/crm --create-home crm
COPY --from=build /src/target/release/crm-server /usr/local/bin/crm-server
USER crm
WORKDIR /var/lib/crm
ENV CRM_LISTEN=0.0.0.0:8080 \
    CRM_DATABASE_URL=sqlite:///var/lib/crm/crm.db?mode=rwc \
    CRM_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/crm-server"]
CMD ["serve"]
