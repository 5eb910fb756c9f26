resource "aws_iam_role" "agent" {
  name = "agent"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "bedrock-agentcore.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "invoke" {
  role = aws_iam_role.agent.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "Invoke"
        Effect   = "Allow"
        Action   = ["bedrock-agentcore:InvokeAgent"]
        Resource = "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/support_bot-abc123"
      },
      {
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = "${aws_s3_bucket.kb.arn}/*"
      },
    ]
  })
}

resource "aws_iam_policy" "heredoc" {
  name   = "heredoc"
  policy = <<EOT
{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]
}
EOT
}

resource "aws_s3_bucket_policy" "kb" {
  bucket = aws_s3_bucket.kb.id
  policy = data.aws_iam_policy_document.kb.json
}

data "aws_iam_policy_document" "kb" {
  statement {
    sid     = "Public"
    actions = ["s3:GetObject"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    resources = ["arn:aws:s3:::kb-bucket/*"]
  }
  statement {
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.kb.arn]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:root"]
    }
  }
}

resource "aws_lambda_permission" "agent" {
  statement_id  = "Allow bedrock"
  action        = "lambda:InvokeFunction"
  function_name = "faq-actions"
  principal     = "bedrock.amazonaws.com"
}

resource "aws_iam_policy" "templated" {
  policy = templatefile("policy.json.tpl", {})
}
