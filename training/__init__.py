"""blaze-face training: the BlazeStyleGAN student, its teachers, distillation, export and evaluation."""
