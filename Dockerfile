FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk libharfbuzz-subset0 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput \
 && SECRET_KEY=build-only python manage.py build_print_fonts \
 && useradd --system --home /app sunshine
USER sunshine
EXPOSE 8000
CMD ["gunicorn", "sunshine.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
