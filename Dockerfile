# Production image: one static binary with the front end embedded.
FROM node:20-bookworm AS front
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=front /src/frontend/dist ./frontend/dist
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /tremplin ./cmd/tremplin

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /tremplin /tremplin
ENV TREMPLIN_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/tremplin"]
CMD ["serve"]
